// Builders for every device-to-server message, in exactly the shapes the real server validates
// (hub-server.md §4.3, §4.5, §5, §6). They clamp or reject values the server would crash on.
import type { DevicePayload } from "./messages.js";
import type { NETWORK_IDENTITY_SERVICES, ProgressStage } from "./topics.js";

/** A message ready to push: topic, event and the wire payload. */
export interface Outgoing<P = unknown> {
  topic: string;
  event: string;
  payload: P;
}

const device = <P>(event: string, payload: P): Outgoing<P> => ({ topic: "device", event, payload });
const consoleMsg = <P>(event: string, payload: P): Outgoing<P> => ({ topic: "console", event, payload });
const ext = <P>(event: string, payload: P): Outgoing<P> => ({ topic: "extensions", event, payload });

/** Progress must be an integer 0..100: the server crashes its channel on anything else. */
function percent(value: number): number {
  if (!Number.isFinite(value)) throw new RangeError("progress must be a finite number");
  return Math.min(100, Math.max(0, Math.round(value)));
}

type Status = DevicePayload<"device", "status_update">;

export const deviceTopic = {
  /** nerves_hub_link's progress event; `stage` is `downloading` or `updating`. */
  fwupProgress: (stage: ProgressStage, value: number) =>
    device("fwup_progress", { stage, value: percent(value) }),
  /** The tool-neutral alias the server prefers for non-Nerves agents. */
  updateProgress: (value: number, stage?: ProgressStage) =>
    device("update_progress", stage ? { value: percent(value), stage } : { value: percent(value) }),
  received: () => device<Status>("status_update", { status: "received" }),
  /** Sent each time the downloader opens a connection; the interface may be unknown (null). */
  started: (downloaderNetworkInterface: string | null) =>
    device<Status>("status_update", {
      status: "started",
      downloader_network_interface: downloaderNetworkInterface,
    }),
  completed: () => device<Status>("status_update", { status: "completed" }),
  ignored: (reason = "") => device<Status>("status_update", { status: "ignored", reason }),
  /**
   * `delay_for` is in milliseconds, as the server adds it to its clock. nerves_hub_link sends minutes
   * here, which the server misreads; we follow the server (device-client.md §3.3).
   */
  rescheduled: (delayMs: number, reason?: string) => {
    if (!Number.isSafeInteger(delayMs) || delayMs <= 0)
      throw new RangeError("delay must be a positive integer of ms");
    return device<Status>(
      "status_update",
      reason === undefined
        ? { status: "rescheduled", delay_for: delayMs }
        : { status: "rescheduled", delay_for: delayMs, reason },
    );
  },
  failed: (reason: string) => device<Status>("status_update", { status: "failed", reason }),
  firmwareValidated: () => device("firmware_validated", {}),
  connectionTypes: (values: string[]) => device("connection_types", { values }),
  reportNetworkInterface: (iface: string) => device("report_network_interface", { interface: iface }),
  rebooting: () => device("rebooting", {}),
  scriptCompleted: (ref: string, output: string, returned: string) =>
    device("scripts/run", { ref, result: "completed", output, return: returned }),
  scriptFailed: (ref: string, reason: string, output: string) =>
    device("scripts/run", { ref, result: "error", reason, output, return: "" }),
};

export const consoleTopic = {
  up: (data: string) => consoleMsg("up", { data }),
  fileDataStart: (filename: string) => consoleMsg("file-data/start", { filename }),
  fileData: (filename: string, chunk: number, base64Data: string) =>
    consoleMsg("file-data", { filename, chunk, data: base64Data }),
  fileDataStop: (filename: string) => consoleMsg("file-data/stop", { filename }),
};

export interface NetworkIdentity {
  service: (typeof NETWORK_IDENTITY_SERVICES)[number];
  identifier: string;
  instance?: string;
  details?: Record<string, unknown>;
}

export const extensionsTopic = {
  attached: (name: string) => ext(`${name}:attached`, {}),
  detached: (name: string) => ext(`${name}:detached`, {}),
  error: (name: string, reason: "unknown_extension" | "start_failure" | (string & {})) =>
    ext(`${name}:error`, { reason }),
  healthReport: (value: Record<string, unknown> | null) => ext("health:report", { value }),
  location: (loc: { latitude: number; longitude: number; source?: string; accuracy?: number }) =>
    ext("geo:location:update", { source: "geoip", ...loc }),
  locationError: (errorCode: string, description: string) =>
    ext("geo:location:update", { error_code: errorCode, error_description: description }),
  /** `instance` is omitted when empty, as the server expects. */
  networkIdentities: (identities: NetworkIdentity[]) =>
    ext("network_identity:report", {
      identities: identities.map(({ instance, ...rest }) => (instance ? { ...rest, instance } : rest)),
    }),
  shellStatus: (status: "started" | "failed", reason?: string) =>
    ext("local_shell:request_status", reason === undefined ? { status } : { status, reason }),
  shellOutput: (data: string) => ext("local_shell:shell_output", { data }),
  shellExited: (exitCode: number) => ext("local_shell:shell_exited", { exit_code: exitCode }),
  log: (level: string, message: string, timestamp: Date, meta: Record<string, string> = {}) =>
    ext("logging:send", { level, message, timestamp, meta }),
};
