// The `device` topic (device-client.md §3): joined on every connection with params that describe
// the running firmware (§3.1). Each join reports the network interface and, for an unvalidated
// firmware, starts the validation poll; a crashed channel is rejoined, a left one is not.

import type {
  Connection,
  FirmwareMetadata,
  JoinError,
  NetworkProbe,
  UpdateHandler,
} from "@nerves-hub-ts/ports";
import { deviceJoinParams, type Outgoing } from "@nerves-hub-ts/protocol";
import { errorText } from "./error-text.js";
import { FirmwareValidation } from "./firmware-validation.js";
import { InterfaceReport } from "./interface-report.js";
import type { LinkContext } from "./link-context.js";
import { TopicSession, type TopicSessionHooks } from "./topic-session.js";

export interface DeviceSessionPorts {
  firmware: FirmwareMetadata;
  networkProbe?: NetworkProbe;
}

export interface DeviceSessionHooks {
  /** The open connection, if any; joins and timers tied to another one are stale. */
  connection(): Connection | undefined;
  joined(): void;
  lost(): void;
  message(event: string, payload: unknown): void;
}

/** Keeps the device topic joined and tells the hub about the firmware and the connection. */
export class DeviceSession implements TopicSessionHooks {
  private readonly topic: TopicSession;
  private readonly validation: FirmwareValidation;
  private readonly interfaceReport: InterfaceReport;
  private requests?: { fwup: boolean; archive: boolean };
  /** What the join params (reused by every rejoin on this connection) say about validation. */
  private toldValidated = true;

  constructor(
    private readonly ctx: LinkContext,
    private readonly ports: DeviceSessionPorts,
    private readonly updates: UpdateHandler | undefined,
    private readonly hooks: DeviceSessionHooks,
  ) {
    const { clock, config } = ctx;
    const push = (message: Outgoing) => this.push(message.event, message.payload);
    this.validation = new FirmwareValidation(ctx, push);
    this.interfaceReport = new InterfaceReport(ports.networkProbe, clock, push);
    this.topic = new TopicSession("device", clock, config.rejoinAfterMs, this);
  }

  get joined(): boolean {
    return this.topic.joined;
  }

  push(event: string, payload: unknown): boolean {
    return this.topic.push(event, payload);
  }

  /** The join params (§3.1): firmware metadata, fwup version, validation and key requests. */
  async joinParams(): Promise<Record<string, unknown>> {
    const { log, client } = this.ctx;
    const { firmware } = this.ports;
    const [metadata, fwupVersion, validated, autoRevert] = await Promise.all([
      firmware.metadata().catch((e: unknown) => {
        log.error("firmware metadata unavailable; joining without it", { error: errorText(e) });
        return {};
      }),
      firmware.fwupVersion().catch(() => undefined),
      this.validation.check(),
      client.flag("firmwareAutoRevertDetected", false),
    ]);
    const keys = this.keyRequests();
    return deviceJoinParams({
      firmware: metadata,
      fwupVersion,
      currentlyDownloadingUuid: this.updates?.currentlyDownloadingUuid() ?? null,
      firmwareValidated: validated,
      firmwareAutoRevertDetected: autoRevert,
      requestFwupPublicKeys: keys.fwup,
      requestArchivePublicKeys: keys.archive,
    });
  }

  /**
   * Which key lists the join asks the hub for (`on_connect`, §3.1). Decided once, from the keys the
   * device started with, as nerves_hub_link does at boot: keys the hub sent later do not stop the
   * request, so a key it adds or rotates still reaches a device that reconnects.
   */
  private keyRequests(): { fwup: boolean; archive: boolean } {
    if (!this.requests) {
      const { config } = this.ctx;
      const noFwupKeys = this.updates ? this.updates.needsPublicKeys() : config.fwupPublicKeys.length === 0;
      this.requests = {
        fwup: config.requestFwupPublicKeys || noFwupKeys,
        archive: config.requestArchivePublicKeys || (config.archivePublicKeys.length === 0 && noFwupKeys),
      };
    }
    return this.requests;
  }

  /**
   * A rejoin reuses the connect's params (as nerves_hub_link does) except `currently_downloading_uuid`:
   * an update may have started since, and a stale null would make the hub drop its in-flight record
   * (hub-server.md §10.8).
   */
  rejoinParams(previous: unknown): unknown {
    return {
      ...(previous as object),
      currently_downloading_uuid: this.updates?.currentlyDownloadingUuid() ?? null,
    };
  }

  join(conn: Connection, params: Record<string, unknown>): void {
    this.toldValidated =
      (params.meta as { firmware_validated?: unknown } | undefined)?.firmware_validated !== false;
    this.topic.join(conn, params);
  }

  /** Asks the Client whether the firmware is validated and tells the hub at once if that is news. */
  checkFirmwareValidated(): Promise<boolean> {
    return this.validation.checkNow();
  }

  /** At start: raises FirmwareReverted if the bootloader went back to the previous firmware. */
  checkAutoRevert(): Promise<void> {
    return this.validation.checkAutoRevert();
  }

  /** Leaves the device topic (a graceful stop); `dropped` follows with the connection. */
  leave(): Promise<void> {
    return this.topic.leave();
  }

  /** The connection is gone: stop its timers and forget the channel. */
  dropped(): void {
    this.validation.cancel();
    this.interfaceReport.cancel();
    this.topic.reset();
  }

  // TopicSessionHooks: the device topic's session reports here (methods, not closures, as a fleet
  // holds thousands of sessions).

  onMessage(event: string, payload: unknown): void {
    this.hooks.message(event, payload);
  }

  onJoined(): void {
    const conn = this.hooks.connection();
    this.hooks.joined();
    if (!conn) return;
    const live = () => this.hooks.connection() === conn;
    void this.interfaceReport.report(conn, () => live() && this.topic.joined);
    this.validation.joined(this.toldValidated, live);
  }

  onJoinFailed(e: JoinError): void {
    const { events, clock, log } = this.ctx;
    events.error({ kind: "join", message: `device join refused: ${e.message}`, at: clock.now() });
    log.warn("hub refused the device join; rejoining later", { reason: e.kind });
  }

  onLost(how: "error" | "left", reason: unknown): void {
    this.interfaceReport.cancel();
    this.hooks.lost();
    if (how === "left") {
      this.ctx.log.warn("the hub closed the device topic; not rejoining");
      return;
    }
    this.ctx.log.warn("the hub crashed the device channel; rejoining later", { reason: safeReason(reason) });
    this.ctx.client.call("handleError", (c) => c.handleError?.(new Error("device channel error")));
  }
}

/** The reason of a crashed channel, when it is a plain string; never the whole payload. */
function safeReason(reason: unknown): string {
  if (typeof reason === "string") return reason;
  const r = (reason as { reason?: unknown } | null)?.reason;
  return typeof r === "string" ? r : "unknown";
}
