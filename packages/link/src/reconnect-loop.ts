// Keeps one connection to the hub (device-client.md §1.7): attempt, and after any failure wait out
// the backoff and attempt again, forever. Whenever an attempt or a connection is abandoned,
// `generation` moves on, so results that arrive late are ignored.

import type { Credentials, Identity, NetworkProbe, Random, TimerHandle } from "@nerves-hub-ts/ports";
import {
  AlarmId,
  type CloseInfo,
  ConnectError,
  type Connection,
  type Transport,
  timerDelayMs,
} from "@nerves-hub-ts/ports";
import { type BackoffPolicy, exponentialBackoff, listBackoff } from "./backoff.js";
import { blameClock, ClockHint } from "./clock-hint.js";
import { connectRequest } from "./connect-request.js";
import { ConnectTarget } from "./connect-target.js";
import { errorText } from "./error-text.js";
import type { LinkContext } from "./link-context.js";
import { classifyClose, classifyConnectError, type LinkError } from "./link-state.js";
import { NetworkWait, probeTarget } from "./network-wait.js";
import { baseUrl, loggableUrl } from "./socket-url.js";

/** An attempt the transport has not settled this long after its own connect timeout is abandoned. */
const ATTEMPT_GRACE_MS = 5_000;
/** A graceful stop waits this long for the hub to acknowledge the topics it leaves, then closes anyway. */
export const LEAVE_TIMEOUT_MS = 1_000;

export interface ReconnectLoopPorts {
  transport: Transport;
  identity: Identity;
  random: Random;
  networkProbe?: NetworkProbe;
  /** Replaces the configured backoff. */
  backoff?: BackoffPolicy;
}

export interface ReconnectLoopHooks {
  /** A connection opened: join the topics on it. */
  connected(conn: Connection): void;
  /** The connection (if any) is being let go: forget everything tied to it. */
  dropped(): void;
}

/** Attempts, backoff, the attempt watchdog and the connection's lifetime. */
export class ReconnectLoop {
  private generation = 0;
  private conn?: Connection;
  private attemptTimer?: TimerHandle;
  private watchdog?: TimerHandle;
  private stableTimer?: TimerHandle;
  private readonly backoff: BackoffPolicy;
  private readonly target: ConnectTarget;
  private readonly clockHint: ClockHint;
  private readonly networkWait?: NetworkWait;

  constructor(
    private readonly ctx: LinkContext,
    private readonly ports: ReconnectLoopPorts,
    private readonly hooks: ReconnectLoopHooks,
  ) {
    const { config, clock, log, events } = ctx;
    this.backoff =
      ports.backoff ??
      (config.socket.reconnectAfterMs
        ? listBackoff(config.socket.reconnectAfterMs)
        : exponentialBackoff(config.backoff, ports.random));
    this.target = new ConnectTarget(baseUrl(config), config.maxRedirects, log);
    this.clockHint = new ClockHint(clock, log, ports.identity.kind === "shared-secret", (skewMs) =>
      events.emit({ type: "clock-skew", skewMs }),
    );
    if (config.connectWaitForNetwork && ports.networkProbe) {
      this.networkWait = new NetworkWait(ports.networkProbe, clock, log, {
        waiting: (nextProbeAt) => events.set({ status: "waiting-for-network", nextAttemptAt: nextProbeAt }),
        up: () => void this.attempt(),
      });
    }
  }

  /** The open connection, if any. */
  get connection(): Connection | undefined {
    return this.conn;
  }

  /** Raises the Disconnected alarm and connects, after the network wait when there is one. */
  start(): void {
    this.ctx.alarms.set(AlarmId.disconnected, "[]");
    if (this.networkWait) this.networkWait.start(probeTarget(this.ctx.config.proxy, this.target.url));
    else void this.attempt();
  }

  /**
   * Stops for good: cancels every wait and, when connected, lets `leaveTopics` leave the joined topics
   * (bounded by LEAVE_TIMEOUT_MS) before the connection closes normally.
   */
  async stop(leaveTopics: () => Promise<void>): Promise<void> {
    this.networkWait?.cancel();
    this.attemptTimer?.cancel();
    this.watchdog?.cancel();
    // A pending attempt's result, or the connection ending while the topics are left, is ignored.
    this.generation++;
    const conn = this.conn;
    this.conn = undefined;
    if (conn) await this.bounded(leaveTopics());
    this.drop(conn);
    this.ctx.events.set({ status: "stopped", nextAttemptAt: undefined, connectedSince: undefined });
  }

  /** Drops the connection, or the wait for one, and attempts at once. */
  reconnect(): void {
    this.ctx.log.info("reconnect requested");
    this.abandon();
    void this.attempt();
  }

  /** The device topic joined: once it stays joined for stableAfterMs, failures count from zero. */
  deviceJoined(): void {
    const gen = this.generation;
    this.ctx.events.set({ status: "joined" });
    this.ctx.log.info("joined the device topic");
    this.stableTimer?.cancel();
    this.stableTimer = this.ctx.clock.setTimeout(() => {
      if (gen !== this.generation || this.ctx.events.current.attempts === 0) return;
      this.ctx.events.set({ attempts: 0 });
    }, timerDelayMs(this.ctx.config.backoff.stableAfterMs));
  }

  /** The device topic went away while the connection stays. */
  deviceLost(): void {
    this.stableTimer?.cancel();
    this.ctx.events.set({ status: "connected" });
  }

  /** Resolves when `work` settles or LEAVE_TIMEOUT_MS have passed on the Clock, whichever is first. */
  private bounded(work: Promise<void>): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = this.ctx.clock.setTimeout(resolve, LEAVE_TIMEOUT_MS);
      const done = () => {
        timer.cancel();
        resolve();
      };
      work.then(done, done);
    });
  }

  private abandon(): void {
    this.networkWait?.cancel();
    this.attemptTimer?.cancel();
    this.watchdog?.cancel();
    this.drop();
  }

  private async attempt(): Promise<void> {
    const { config, events, clock } = this.ctx;
    const gen = ++this.generation;
    this.attemptTimer = undefined;
    // A watchdog, so a transport or identity that never settles cannot stall the link for good.
    this.watchdog?.cancel();
    const watchdogMs = timerDelayMs(config.connectTimeoutMs + ATTEMPT_GRACE_MS);
    this.watchdog = clock.setTimeout(() => {
      this.watchdog = undefined;
      if (gen !== this.generation || events.current.status !== "connecting") return;
      this.failed({
        kind: "timeout",
        message: "the connection attempt did not finish in time",
        at: clock.now(),
      });
    }, watchdogMs);
    events.set({ status: "connecting", nextAttemptAt: undefined, url: loggableUrl(this.target.url) });
    const { identity, transport } = this.ports;
    let credentials: Credentials;
    try {
      const hint = this.clockHint.signingHint();
      credentials = await (hint ? identity.credentials(hint) : identity.credentials());
    } catch (e) {
      if (gen !== this.generation) return;
      this.failed({
        kind: "identity",
        message: `device credentials unusable: ${errorText(e)}`,
        at: clock.now(),
      });
      return;
    }
    if (gen !== this.generation) return;
    const request = connectRequest(config, this.target, identity.kind, credentials);
    this.ctx.log.info("connecting to hub", {
      url: loggableUrl(request.url),
      auth: identity.kind,
      serializer: config.serializer,
      attempt: events.current.attempts + 1,
    });
    let conn: Connection;
    try {
      conn = await transport.connect(request);
    } catch (e) {
      if (gen !== this.generation) return;
      this.connectFailed(e instanceof ConnectError ? e : new ConnectError("closed", errorText(e)));
      return;
    }
    if (gen !== this.generation) {
      conn.close();
      return;
    }
    this.watchdog?.cancel();
    this.connected(conn);
  }

  private connectFailed(e: ConnectError): void {
    const error = classifyConnectError(e, this.ctx.clock.now());
    const skew = e.details.date !== undefined ? this.clockHint.observe(e.details.date) : undefined;
    blameClock(error, skew);
    this.target.failed(e, error);
    this.failed(error);
  }

  /** Counts the failure, reports it and schedules the next attempt after the backoff delay. */
  private failed(error: LinkError): void {
    const { events, clock, log } = this.ctx;
    this.watchdog?.cancel();
    events.update({ attempts: events.current.attempts + 1 });
    events.error(error);
    this.ctx.alarms.set(AlarmId.disconnected, `[reason: ${error.kind}]`);
    this.ctx.client.call("handleError", (c) => c.handleError?.(new Error(error.message)));
    const delay = timerDelayMs(this.backoff.delayMs(events.current.attempts));
    log.warn(`hub connection failed (${error.kind}): ${error.message}; retrying in ${delay} ms`, {
      kind: error.kind,
      status: error.status,
      code: error.code,
      attempts: events.current.attempts,
    });
    const gen = ++this.generation;
    this.attemptTimer = clock.setTimeout(() => {
      if (gen === this.generation) void this.attempt();
    }, delay);
    events.set({ status: "backing-off", nextAttemptAt: clock.now() + delay, connectedSince: undefined });
  }

  private connected(conn: Connection): void {
    const { events, clock, log } = this.ctx;
    this.conn = conn;
    this.target.connected();
    this.clockHint.forget();
    conn.onClose((info) => this.connectionLost(conn, info));
    conn.onHeartbeat?.((rttMs) => {
      if (conn === this.conn) events.emit({ type: "heartbeat", rttMs });
    });
    this.ctx.alarms.clear(AlarmId.disconnected);
    events.set({ status: "connected", connectedSince: clock.now() });
    log.info("connected to hub", { url: events.current.url });
    this.ctx.client.call("connected", (c) => c.connected?.());
    this.hooks.connected(conn);
  }

  private connectionLost(conn: Connection, info: CloseInfo): void {
    if (conn !== this.conn) return;
    this.drop();
    this.failed(classifyClose(info, this.ctx.clock.now()));
  }

  /** Forgets the connection (the current one unless given) and everything tied to it, and closes it. */
  private drop(conn = this.conn): void {
    this.generation++;
    this.conn = undefined;
    this.stableTimer?.cancel();
    this.stableTimer = undefined;
    this.hooks.dropped();
    conn?.close();
  }
}
