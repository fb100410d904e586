// The agent: composes the DeviceLink with the ws transport, the configured identity, the firmware
// source and target, the update and reboot policies and the control socket, and stops it all in
// order. Everything here is wiring; the behaviour lives in the packages and in the files it imports.
import { mkdir, readFile } from "node:fs/promises";
import {
  createDeviceLink,
  type DeviceLink,
  type LinkState,
  MemoryAlarms,
  UpdateController,
} from "@nerves-hub-ts/link";
import {
  type FirmwareSource,
  fwPrintenvSource,
  fwupVersionProbe,
  JsonFileStorage,
  metadataFileSource,
  nodeClock,
  nodeRandom,
  runShell,
  tcpNetworkProbe,
} from "@nerves-hub-ts/platform-node";
import type { Client, Clock, Logger, Random, UpdateEvent } from "@nerves-hub-ts/ports";
import { wsTransport } from "@nerves-hub-ts/transport-ws";
import type { AgentConfig } from "../config/agent-config.js";
import { AgentConfigError } from "../config/config-error.js";
import { ControlRoom } from "../control/control-room.js";
import { type ControlServer, listenControlSocket } from "../control/unix-control-server.js";
import { checkFirmwareTarget, updateStrategy } from "../firmware/firmware-target.js";
import { deviceIdentity } from "../identity/device-identity.js";
import { AGENT_VERSION } from "../version.js";
import { RebootCoordinator, type RebootReason } from "./reboot-coordinator.js";
import { updateDecider } from "./update-decider.js";

/** Lets the decision deadline of the control socket win over the update controller's own. */
const DECISION_MARGIN_MS = 5_000;

export interface AgentOptions {
  logger: Logger;
  clock?: Clock;
  random?: Random;
  /** Where the transport reads HTTPS_PROXY and friends; default process.env. */
  env?: Record<string, string | undefined>;
}

export interface Agent {
  readonly identifier: string;
  readonly link: DeviceLink;
  /** Opens the control socket and starts connecting. */
  start(): Promise<void>;
  /** Leaves the hub, stops a running update (keeping what it can resume from) and closes the socket. */
  stop(): Promise<void>;
  status(): Promise<AgentStatus>;
}

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

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

export async function createAgent(config: AgentConfig, options: AgentOptions): Promise<Agent> {
  const log = options.logger;
  const clock = options.clock ?? nodeClock;
  const startedAt = iso(clock.now()) as string;

  await mkdir(config.dataPath, { recursive: true }).catch((e: NodeJS.ErrnoException) => {
    throw new AgentConfigError("data_path", `cannot create ${config.dataPath} (${e.code ?? e.message})`);
  });
  const storage = await JsonFileStorage.open(config.dataPath);
  await checkFirmwareTarget(config.target);
  const firmware = firmwareSource(config, storage);
  await firmware.check();
  if (config.target.kind === "fwup" && (await firmware.fwupVersion()) === undefined) {
    // nerves_hub_link does not start without fwup either; better now than at the first update.
    throw new AgentConfigError(
      "fwup_command",
      `\`${config.target.command} --version\` does not run; install fwup`,
    );
  }
  const running = await firmware.metadata();
  const identity = await deviceIdentity(config, clock);
  if (config.auth === "certificate" && config.identifier) {
    log.warn(
      "identifier settings are not used with certificate auth: the hub knows the device by its certificate CN",
    );
  }
  const caPem = config.caCertFile ? await readCa(config.caCertFile) : undefined;

  let lastProgress: AgentStatus["update"]["progress"] = null;
  let lastResult: AgentStatus["update"]["last_result"] = null;
  const status = async (): Promise<AgentStatus> => agentStatus();

  const room = new ControlRoom({
    clock,
    logger: log,
    status,
    commands: {
      mark_valid: async () => {
        await firmware.markValid();
        log.info("firmware marked valid from the control socket");
        const validated = await firmware.validated();
        // The hub hears firmware_validated now rather than at the link's next 10 s poll.
        if (validated) await link.checkFirmwareValidated();
        return { validated };
      },
      reboot: async () => ({ rebooted: await reboot("local") }),
    },
  });

  /** Runs reboot_command; without one (the sandbox default) the reboot is only logged. */
  const reboot = async (reason: RebootReason | "local"): Promise<boolean> => {
    if (!config.rebootCommand) {
      log.warn("reboot requested, but reboot_command is not set (sandbox target): not rebooting", { reason });
      return false;
    }
    log.info("rebooting", { reason, command: config.rebootCommand });
    await runShell(config.rebootCommand, { timeoutMs: 60_000 });
    return true;
  };
  const reboots = new RebootCoordinator({
    policy: config.rebootPolicy,
    room,
    clock,
    logger: log,
    execute: async (reason) => void (await reboot(reason)),
  });

  const client: Client = {
    updateAvailable: updateDecider(config.updatePolicy, room, () => running.nerves_fw_uuid, log),
    reboot: () => reboots.request("hub"),
    identify: () => {
      log.info("identify requested by the hub");
      room.broadcast("identify");
    },
    firmwareValidated: () => firmware.validated(),
    firmwareAutoRevertDetected: () => firmware.autoRevertDetected(),
    handleFwupMessage: (m) => {
      if (m.type === "warning") log.warn("fwup warning", { code: m.code, text: m.text });
      if (m.type === "error") log.error("fwup error", { code: m.code, text: m.text });
    },
  };

  const alarms = new MemoryAlarms();
  const strategy = updateStrategy({ config, caPem, logger: log, userAgent: `nh-device/${AGENT_VERSION}` });
  const link = createDeviceLink(
    { ...config.link, ssl: { ...config.link.ssl, ...(caPem ? { ca: [caPem] } : {}) } },
    {
      transport: wsTransport({ logger: log, ...(options.env ? { env: options.env } : {}) }),
      identity,
      firmware,
      clock,
      random: options.random ?? nodeRandom,
      logger: log,
      alarms,
      networkProbe: tcpNetworkProbe(),
      client,
      updates: (push) =>
        new UpdateController({
          strategy,
          push,
          clock,
          alarms,
          client,
          logger: log,
          runningFirmwareUuid: running.nerves_fw_uuid ?? null,
          publicKeys: config.link.fwupPublicKeys ?? [],
          decisionTimeoutMs: config.updatePolicy.decisionTimeoutMs + DECISION_MARGIN_MS,
          rescheduleMs: config.updatePolicy.rescheduleMs,
          reboot: () => reboots.request("update"),
        }),
    },
  );

  let lastStatus: LinkState["status"] | undefined;
  link.subscribe((event) => {
    if (event.type !== "state" || event.state.status === lastStatus) return;
    lastStatus = event.state.status;
    const e = event.state.lastError;
    room.broadcast("connection", {
      status: event.state.status,
      attempts: event.state.attempts,
      ...(e && event.state.status === "backing-off"
        ? { last_error: { kind: e.kind, message: e.message } }
        : {}),
    });
  });
  link.updates?.subscribe((event: UpdateEvent) => {
    const at = iso(clock.now()) as string;
    switch (event.type) {
      case "received":
        room.broadcast("update_received", { uuid: event.uuid, version: event.version });
        return;
      case "decision":
        room.broadcast("update_decision", {
          action: event.action,
          ...(event.reason ? { reason: event.reason } : {}),
        });
        return;
      case "progress":
        lastProgress = { stage: event.stage, percent: event.percent };
        room.broadcast("progress", { stage: event.stage, percent: event.percent });
        return;
      case "installed":
        lastProgress = null;
        lastResult = { result: "installed", uuid: event.uuid, at };
        log.info("firmware installed", { uuid: event.uuid, target: config.target.kind });
        room.broadcast("installed", { uuid: event.uuid, target: config.target.kind });
        return;
      case "failed":
        lastProgress = null;
        lastResult = { result: "failed", reason: event.reason, at };
        log.warn("firmware update failed", { reason: event.reason });
        room.broadcast("failed", { reason: event.reason });
        return;
      case "reboot-pending":
        // The RebootCoordinator announces it, with the reason.
        return;
    }
  });

  async function agentStatus(): Promise<AgentStatus> {
    const state = link.state();
    const err = state.lastError;
    const validated = await firmware.validated().catch(() => null);
    return {
      agent: { version: AGENT_VERSION, pid: process.pid, started_at: startedAt },
      identifier: identity.identifier(),
      auth: config.auth,
      connection: {
        status: state.status,
        attempts: state.attempts,
        url: state.url ?? null,
        connected_since: iso(state.connectedSince),
        last_error: err ? { kind: err.kind, message: err.message, at: iso(err.at) as string } : null,
        topics: state.topics,
      },
      update: {
        status: link.updates?.status() ?? "idle",
        currently_downloading_uuid: link.updates?.currentlyDownloadingUuid() ?? null,
        progress: lastProgress,
        last_result: lastResult,
      },
      firmware: {
        uuid: running.nerves_fw_uuid ?? null,
        version: running.nerves_fw_version ?? null,
        product: running.nerves_fw_product ?? null,
        validated,
        target: config.target.kind,
        updater: config.updater,
      },
      controller_connected: room.hasController,
      reboot_pending: reboots.pending ?? null,
    };
  }

  let control: ControlServer | undefined;
  let stopping: Promise<void> | undefined;
  return {
    identifier: identity.identifier(),
    link: link,
    status,
    async start() {
      control = await listenControlSocket(config.controlSocket, room, log);
      log.info("agent started", {
        version: AGENT_VERSION,
        identifier: identity.identifier(),
        auth: config.auth,
        target: config.target.kind,
        updater: config.updater,
      });
      link.start();
    },
    stop() {
      stopping ??= (async () => {
        log.info("agent stopping");
        room.broadcast("stopping");
        reboots.stop();
        await link.stop();
        await control?.close();
        log.info("agent stopped");
      })();
      return stopping;
    },
  };
}

function firmwareSource(config: AgentConfig, storage: JsonFileStorage): FirmwareSource {
  const fwupVersion = fwupVersionProbe(config.target.kind === "fwup" ? config.target.command : "fwup");
  const source = config.firmwareMetadata;
  return source.kind === "file"
    ? metadataFileSource({ path: source.path, storage, fwupVersion })
    : fwPrintenvSource({
        printenvCommand: source.printenvCommand,
        setenvCommand: source.setenvCommand,
        fwupVersion,
      });
}

async function readCa(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (e) {
    throw new AgentConfigError(
      "ssl.cacertfile",
      `cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? e})`,
    );
  }
}
