import type { ExtensionName } from "@nerves-hub-ts/protocol";
import { clipText } from "./clip.js";

/** A device certificate the hub knows, identified as NervesHub does (upper-case hex SHA-1). */
export interface StoredCertificate {
  fingerprint: string;
  publicKeyFingerprint: string;
  certPem: string;
}

/** Firmware metadata as the device reported it at join (`nerves_fw_*` without the prefix). */
export interface ReportedFirmware {
  uuid: string | null;
  product: string | null;
  version: string | null;
  platform: string | null;
  architecture: string | null;
  author: string | null;
  description: string | null;
  vcs_identifier: string | null;
  misc: string | null;
  fwup_version: string | null;
}

export type ArchiveAssignment = { firmwareUuid: string } | { payload: Record<string, unknown> };

export type ValidationStatus = "validated" | "not_validated" | "unknown";

/** The server-side record of an update offered to the device and not yet concluded. */
export interface InFlightUpdate {
  firmwareUuid: string;
  deploymentId: number | null;
  status: string;
  progress: number | null;
  startedAt: number;
}

/** A protocol violation; each text is kept to its first MAX_VIOLATION_TEXT characters and its length. */
export interface ProtocolViolation {
  at: number;
  topic: string;
  topicLength: number;
  event: string;
  eventLength: number;
  reason: string;
  reasonLength: number;
}

export interface CompletedUpdate {
  at: number;
  fromUuid: string | null;
  toUuid: string;
}

/** Everything the hub knows about one device. Read it through `hub.device(id)` / `hub.devices()`. */
export interface DeviceRecord {
  identifier: string;
  createdVia: "operator" | "jitp" | "product_key";
  certificates: StoredCertificate[];
  /** Device key (`nhd_…`) ids bound to this device. */
  deviceKeys: string[];
  connected: boolean;
  /** Joined topics on the live connection. */
  joinedTopics: string[];
  connectedAt: number | null;
  disconnectedAt: number | null;
  lastSeenAt: number | null;
  auth: "certificate" | "shared_secret" | null;
  vsn: string | null;
  /** The latest `device` join params, verbatim. */
  joinParams: Record<string, unknown> | null;
  firmware: ReportedFirmware | null;
  deviceApiVersion: string | null;
  consoleVersion: string | null;
  validation: ValidationStatus;
  autoRevertDetected: boolean;
  currentlyDownloadingUuid: string | null;
  /** Last `status_update` status and its payload. */
  lastStatus: { status: string; payload: Record<string, unknown>; at: number } | null;
  /** Last progress report (`fwup_progress` / `update_progress`). */
  progress: { value: number; stage: string | null; at: number } | null;
  inFlight: InFlightUpdate | null;
  /** When each offered update was first answered (ms, whole seconds); cleared by a completed update. */
  updateAttempts: number[];
  /** Deployment updates are not offered before this time (the penalty box); null when not blocked. */
  updatesBlockedUntil: number | null;
  /** The latest updates that worked (at most MAX_KEPT_COMPLETED_UPDATES); the count counts them all. */
  completedUpdates: CompletedUpdate[];
  completedUpdateCount: number;
  /** `report_network_interface`: the raw name and the humanised kind the server stores. */
  networkInterface: { name: string; kind: "wifi" | "ethernet" | "cellular" | "unknown" } | null;
  connectionTypes: string[];
  /** Latest `health:report` value and its alarms. */
  health: Record<string, unknown> | null;
  alarms: Record<string, unknown>;
  location: Record<string, unknown> | null;
  networkIdentities: Record<string, unknown>[];
  /** Extensions the device asked for at its last `extensions` join, and those it attached. */
  extensionsRequested: Record<string, unknown>;
  extensionsAttached: ExtensionName[];
  /** Extensions this device has disabled (device-level switch; product-level is hub-wide). */
  extensionsDisabled: ExtensionName[];
  /** The latest protocol violations (at most MAX_KEPT_VIOLATIONS); `violationCount` counts them all. */
  violations: ProtocolViolation[];
  violationCount: number;
  /** Archive pushed on join (api >= 2.0.0): a hub firmware record or a verbatim payload. */
  archive: ArchiveAssignment | null;
  /** Sent as `scripts/run` ref `connecting_code` after join (api >= 2.1.0). */
  connectingCode: string | null;
  deleted: boolean;
}

/** A device flooding bad frames must not grow the hub's memory without bound. */
export const MAX_KEPT_VIOLATIONS = 100;
/** Nor by sending huge topic or event names: a violation keeps this many characters of each. */
export const MAX_VIOLATION_TEXT = 256;
/** Nor a long-running hub that updates its devices again and again. */
export const MAX_KEPT_COMPLETED_UPDATES = 100;

/** Nor a device that reports statuses again and again without completing an update. */
export const MAX_KEPT_UPDATE_ATTEMPTS = 1000;

/** Records an update that worked, keeping only the latest ones. */
export function recordCompletedUpdate(device: DeviceRecord, update: CompletedUpdate): void {
  device.completedUpdates.push(update);
  if (device.completedUpdates.length > MAX_KEPT_COMPLETED_UPDATES) device.completedUpdates.shift();
  device.completedUpdateCount += 1;
}

/**
 * Records a protocol violation, clipped, keeping only the latest ones; returns what was kept.
 */
export function recordViolation(
  device: DeviceRecord,
  violation: { at: number; topic: string; event: string; reason: string },
): ProtocolViolation {
  const clip = (text: string) => clipText(text, MAX_VIOLATION_TEXT);
  const kept: ProtocolViolation = {
    at: violation.at,
    topic: clip(violation.topic),
    topicLength: violation.topic.length,
    event: clip(violation.event),
    eventLength: violation.event.length,
    reason: clip(violation.reason),
    reasonLength: violation.reason.length,
  };
  device.violations.push(kept);
  if (device.violations.length > MAX_KEPT_VIOLATIONS) device.violations.shift();
  device.violationCount += 1;
  return kept;
}

export function newDeviceRecord(identifier: string, createdVia: DeviceRecord["createdVia"]): DeviceRecord {
  return {
    identifier,
    createdVia,
    certificates: [],
    deviceKeys: [],
    connected: false,
    joinedTopics: [],
    connectedAt: null,
    disconnectedAt: null,
    lastSeenAt: null,
    auth: null,
    vsn: null,
    joinParams: null,
    firmware: null,
    deviceApiVersion: null,
    consoleVersion: null,
    validation: "unknown",
    autoRevertDetected: false,
    currentlyDownloadingUuid: null,
    lastStatus: null,
    progress: null,
    inFlight: null,
    updateAttempts: [],
    updatesBlockedUntil: null,
    completedUpdates: [],
    completedUpdateCount: 0,
    networkInterface: null,
    connectionTypes: [],
    health: null,
    alarms: {},
    location: null,
    networkIdentities: [],
    extensionsRequested: {},
    extensionsAttached: [],
    extensionsDisabled: [],
    violations: [],
    violationCount: 0,
    archive: null,
    connectingCode: null,
    deleted: false,
  };
}
