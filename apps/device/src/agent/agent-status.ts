// What `nh-device ctl status` shows: the link's state, the update in progress and the last result,
// the running firmware and the reboot that is waiting, projected into one snake_case document.
import type { DeviceLink, LinkState } from "@nerves-hub-ts/link";
import type { FirmwareSource } from "@nerves-hub-ts/platform-node";
import type { AgentConfig } from "../config/agent-config.js";
import { AGENT_VERSION } from "../version.js";
import type { RebootReason } from "./reboot-coordinator.js";

export interface AgentStatus {
  agent: { version: string; pid: number; started_at: string };
  identifier: string;
  auth: AgentConfig["auth"];
  connection: {
    status: LinkState["status"];
    attempts: number;
    url: string | null;
    connected_since: string | null;
    last_error: { kind: string; message: string; at: string } | null;
    topics: LinkState["topics"];
  };
  update: {
    status: "idle" | "updating";
    currently_downloading_uuid: string | null;
    progress: { stage: string; percent: number } | null;
    last_result: { result: "installed" | "failed"; uuid?: string | null; reason?: string; at: string } | null;
  };
  firmware: {
    uuid: string | null;
    version: string | null;
    product: string | null;
    validated: boolean | null;
    target: AgentConfig["target"]["kind"];
    updater: AgentConfig["updater"];
  };
  controller_connected: boolean;
  reboot_pending: RebootReason | null;
}

/** The update as `status` reports it between events. */
export interface UpdateActivity {
  readonly progress: AgentStatus["update"]["progress"];
  readonly lastResult: AgentStatus["update"]["last_result"];
}

/** Everything the status document is read from. */
export interface StatusSources {
  config: AgentConfig;
  startedAt: string;
  identifier: string;
  link: DeviceLink;
  activity: UpdateActivity;
  firmware: FirmwareSource;
  running: Readonly<Record<string, string>>;
  controllerConnected: () => boolean;
  rebootPending: () => RebootReason | undefined;
}

export const isoTime = (ms: number | undefined): string | null =>
  ms === undefined ? null : new Date(ms).toISOString();

export async function agentStatus(s: StatusSources): Promise<AgentStatus> {
  const state = s.link.state();
  const err = state.lastError;
  const validated = await s.firmware.validated().catch(() => null);
  return {
    agent: { version: AGENT_VERSION, pid: process.pid, started_at: s.startedAt },
    identifier: s.identifier,
    auth: s.config.auth,
    connection: {
      status: state.status,
      attempts: state.attempts,
      url: state.url ?? null,
      connected_since: isoTime(state.connectedSince),
      last_error: err ? { kind: err.kind, message: err.message, at: isoTime(err.at) as string } : null,
      topics: state.topics,
    },
    update: {
      status: s.link.updates?.status() ?? "idle",
      currently_downloading_uuid: s.link.updates?.currentlyDownloadingUuid() ?? null,
      progress: s.activity.progress,
      last_result: s.activity.lastResult,
    },
    firmware: {
      uuid: s.running.nerves_fw_uuid ?? null,
      version: s.running.nerves_fw_version ?? null,
      product: s.running.nerves_fw_product ?? null,
      validated,
      target: s.config.target.kind,
      updater: s.config.updater,
    },
    controller_connected: s.controllerConnected(),
    reboot_pending: s.rebootPending() ?? null,
  };
}
