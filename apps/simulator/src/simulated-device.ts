// One simulated device: the real DeviceLink and UpdateController with the in-memory sandbox as its
// firmware target. A completed update "reboots" it: the link stops, the firmware facts become the
// installed release, and a fresh link joins with the new uuid, as a device coming back up would.
import {
  createDeviceLink,
  type DeviceLink,
  type LinkConfig,
  type LinkError,
  type LinkEvent,
  type LinkStatus,
  StaticFirmwareMetadata,
  updateController,
} from "@nerves-hub-ts/link";
import type {
  Client,
  Clock,
  Identity,
  Logger,
  Random,
  Transport,
  UpdateDecision,
  UpdateEvent,
  UpdateOffer,
  UpdateStrategy,
} from "@nerves-hub-ts/ports";
import { type FirmwareFacts, firmwareFromOffer, slotKeys } from "./firmware-facts.js";

/** Where a device is, as the live view shows it. */
export type DevicePhase =
  | "pending"
  | "connecting"
  | "joined"
  | "reconnecting"
  | "updating"
  | "rebooting"
  | "stopped";

/** What a device tells its fleet. */
export type DeviceEvent =
  | { type: "joined"; firmware: FirmwareFacts; first: boolean }
  | { type: "dropped"; error: LinkError | undefined }
  | { type: "link-error"; error: LinkError }
  | { type: "update-offered"; version: string | null; uuid: string | null }
  | { type: "update-ignored"; reason: string }
  | { type: "progress"; stage: "downloading" | "updating"; percent: number }
  | { type: "installed" }
  | { type: "update-failed"; reason: string }
  | { type: "rebooting"; into: FirmwareFacts }
  | { type: "updated"; from: FirmwareFacts; to: FirmwareFacts }
  | { type: "heartbeat"; rttMs: number };

/** What every device of a fleet shares: one transport, clock, update strategy and config. */
export interface DeviceEnvironment {
  link: LinkConfig;
  transport: Transport;
  clock: Clock;
  random: Random;
  /** Downloads and installs an applied update into the sandbox; a factory gives each device its own. */
  strategy: UpdateStrategy | ((identifier: string) => UpdateStrategy);
  /** fwup signing keys the device starts with; empty asks the hub for them at join. */
  publicKeys: string[];
  /** How long a simulated reboot keeps the device offline. */
  rebootDelayMs: number;
  logger?: (identifier: string) => Logger;
  observe(device: SimulatedDevice, event: DeviceEvent): void;
}

export class SimulatedDevice implements Client {
  phase: DevicePhase = "pending";
  progress: { stage: "downloading" | "updating"; percent: number } | undefined;
  /** Joins so far, across reboots and reconnects. */
  joins = 0;
  firstJoinAt: number | undefined;
  lastJoinAt: number | undefined;
  lastDropAt: number | undefined;
  lastError: LinkError | undefined;
  updatesCompleted = 0;
  lastUpdateFailure: string | undefined;
  #link: DeviceLink | undefined;
  #status: LinkStatus = "idle";
  #target: FirmwareFacts | undefined;
  #rebootedFrom: FirmwareFacts | undefined;
  #stopped = false;

  constructor(
    readonly index: number,
    readonly identity: Identity,
    public firmware: FirmwareFacts,
    private readonly env: DeviceEnvironment,
  ) {}

  get identifier(): string {
    return this.identity.identifier();
  }

  get link(): DeviceLink | undefined {
    return this.#link;
  }

  start(): void {
    if (this.#link || this.#stopped) return;
    this.#setPhase("connecting");
    this.#boot();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    const link = this.#link;
    this.#link = undefined;
    this.#setPhase("stopped");
    await link?.stop();
  }

  // --- Client callbacks (the link and the update controller call these) ---------------------------

  updateAvailable(offer: UpdateOffer): UpdateDecision {
    const meta = offer.firmware_meta;
    this.env.observe(this, {
      type: "update-offered",
      version: meta.version ?? null,
      uuid: meta.uuid ?? null,
    });
    if (meta.uuid === this.firmware.uuid)
      return { action: "ignore", reason: "already running this firmware" };
    this.#target = firmwareFromOffer(offer, this.firmware);
    return { action: "apply" };
  }

  async reboot(): Promise<void> {
    const link = this.#link;
    if (!link || this.#stopped) return;
    const into = this.#target ?? this.firmware;
    this.#target = undefined;
    this.#setPhase("rebooting");
    this.env.observe(this, { type: "rebooting", into });
    this.#link = undefined;
    await link.stop();
    if (into.uuid !== this.firmware.uuid) this.#rebootedFrom = this.firmware;
    this.firmware = into;
    const { rebootDelayMs, clock } = this.env;
    if (rebootDelayMs > 0) await new Promise<void>((r) => clock.setTimeout(r, rebootDelayMs));
    if (this.#stopped) return;
    this.#boot();
  }

  // --- wiring -------------------------------------------------------------------------------------

  #boot(): void {
    const env = this.env;
    const logger = env.logger?.(this.identifier);
    const link = createDeviceLink(env.link, {
      transport: env.transport,
      identity: this.identity,
      firmware: new StaticFirmwareMetadata(slotKeys(this.firmware)),
      clock: env.clock,
      random: env.random,
      client: this,
      ...(logger ? { logger } : {}),
      updates: updateController({
        strategy: typeof env.strategy === "function" ? env.strategy(this.identifier) : env.strategy,
        runningFirmwareUuid: this.firmware.uuid,
        publicKeys: env.publicKeys,
      }),
    });
    this.#status = "idle";
    link.subscribe(this.#onLinkEvent);
    link.updates?.subscribe(this.#onUpdateEvent);
    this.#link = link;
    link.start();
  }

  readonly #onLinkEvent = (event: LinkEvent): void => {
    if (event.type === "heartbeat") {
      this.env.observe(this, { type: "heartbeat", rttMs: event.rttMs });
      return;
    }
    if (event.type === "error") {
      this.lastError = event.error;
      this.env.observe(this, { type: "link-error", error: event.error });
      return;
    }
    if (event.type !== "state") return;
    const before = this.#status;
    const status = event.state.status;
    this.#status = status;
    if (status === before) return;
    const now = this.env.clock.now();
    if (status === "joined") {
      this.joins++;
      const first = this.firstJoinAt === undefined;
      this.firstJoinAt ??= now;
      this.lastJoinAt = now;
      if (this.phase !== "updating") this.#setPhase("joined");
      this.env.observe(this, { type: "joined", firmware: this.firmware, first });
      const from = this.#rebootedFrom;
      if (from) {
        this.#rebootedFrom = undefined;
        this.updatesCompleted++;
        this.env.observe(this, { type: "updated", from, to: this.firmware });
      }
    } else if (before === "joined" && (status === "backing-off" || status === "connecting")) {
      this.lastDropAt = now;
      if (this.phase === "joined") this.#setPhase("reconnecting");
      this.env.observe(this, { type: "dropped", error: event.state.lastError });
    }
  };

  readonly #onUpdateEvent = (event: UpdateEvent): void => {
    switch (event.type) {
      case "decision":
        if (event.action === "apply") {
          this.progress = { stage: "downloading", percent: 0 };
          this.#setPhase("updating");
        } else if (event.action === "ignore") {
          this.env.observe(this, { type: "update-ignored", reason: event.reason ?? "" });
        }
        return;
      case "progress":
        this.progress = { stage: event.stage, percent: event.percent };
        this.env.observe(this, { type: "progress", stage: event.stage, percent: event.percent });
        return;
      case "installed":
        this.progress = { stage: "updating", percent: 100 };
        this.env.observe(this, { type: "installed" });
        return;
      case "failed":
        this.lastUpdateFailure = event.reason;
        this.progress = undefined;
        this.#target = undefined;
        this.#setPhase(this.#status === "joined" ? "joined" : "reconnecting");
        this.env.observe(this, { type: "update-failed", reason: event.reason });
        return;
      default:
        return;
    }
  };

  #setPhase(phase: DevicePhase): void {
    if (phase !== "updating" && phase !== "rebooting") this.progress = undefined;
    this.phase = phase;
  }
}
