// The agent: composes the DeviceLink with the ws transport, the configured identity, the firmware
// source and target, the update and reboot policies and the control socket, and stops it all in
// order. Everything here is wiring; the behaviour lives in the packages and in the files it imports.
import { createDeviceLink, type DeviceLink, MemoryAlarms, updateController } from "@nerves-hub-ts/link";
import { nodeClock, nodeRandom, tcpNetworkProbe } from "@nerves-hub-ts/platform-node";
import type { Clock, Logger, Random } from "@nerves-hub-ts/ports";
import { wsTransport } from "@nerves-hub-ts/transport-ws";
import type { AgentConfig } from "../config/agent-config.js";
import { ControlRoom } from "../control/control-room.js";
import { type ControlServer, listenControlSocket } from "../control/unix-control-server.js";
import { updateStrategy } from "../firmware/firmware-target.js";
import { AGENT_VERSION } from "../version.js";
import { agentClient } from "./agent-client.js";
import { type AgentStatus, agentStatus, isoTime } from "./agent-status.js";
import { broadcastConnection } from "./connection-broadcast.js";
import { openDeviceResources } from "./device-resources.js";
import { rebootCommand } from "./reboot-command.js";
import { RebootCoordinator } from "./reboot-coordinator.js";
import { broadcastUpdates } from "./update-broadcast.js";

export type { AgentStatus } from "./agent-status.js";

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

export async function createAgent(config: AgentConfig, options: AgentOptions): Promise<Agent> {
  const log = options.logger;
  const clock = options.clock ?? nodeClock;
  const startedAt = isoTime(clock.now()) as string;
  const { firmware, running, identity, caPem } = await openDeviceResources(config, log, clock);
  const reboot = rebootCommand(config.rebootCommand, log);

  const room = new ControlRoom({
    clock,
    logger: log,
    status: () => status(),
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
  const reboots = new RebootCoordinator({
    policy: config.rebootPolicy,
    room,
    clock,
    logger: log,
    execute: async (reason) => void (await reboot(reason)),
  });

  const networkProbe = tcpNetworkProbe();
  const link = createDeviceLink(
    { ...config.link, ssl: { ...config.link.ssl, ...(caPem ? { ca: [caPem] } : {}) } },
    {
      transport: wsTransport({ logger: log, ...(options.env ? { env: options.env } : {}) }),
      identity,
      firmware,
      clock,
      random: options.random ?? nodeRandom,
      logger: log,
      alarms: new MemoryAlarms(),
      networkProbe,
      client: agentClient({
        updatePolicy: config.updatePolicy,
        room,
        reboots,
        firmware,
        runningFirmwareUuid: running.nerves_fw_uuid,
        logger: log,
      }),
      updates: updateController({
        strategy: updateStrategy({
          config,
          caPem,
          logger: log,
          userAgent: `nh-device/${AGENT_VERSION}`,
          networkProbe,
          ...(options.env ? { env: options.env } : {}),
        }),
        runningFirmwareUuid: running.nerves_fw_uuid ?? null,
        publicKeys: config.link.fwupPublicKeys ?? [],
        decisionTimeoutMs: config.updatePolicy.decisionTimeoutMs + DECISION_MARGIN_MS,
        rescheduleMs: config.updatePolicy.rescheduleMs,
        reboot: () => reboots.request("update"),
      }),
    },
  );
  broadcastConnection(link, room);
  const activity = broadcastUpdates(link.updates, room, {
    now: () => clock.now(),
    logger: log,
    target: config.target.kind,
  });
  const status = (): Promise<AgentStatus> =>
    agentStatus({
      config,
      startedAt,
      identifier: identity.identifier(),
      link,
      activity,
      firmware,
      running,
      controllerConnected: () => room.hasController,
      rebootPending: () => reboots.pending,
    });

  let control: ControlServer | undefined;
  let stopping: Promise<void> | undefined;
  return {
    identifier: identity.identifier(),
    link,
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
