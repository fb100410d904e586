// The fleet: creates devices at a ramp rate with a cap on connects in flight, fans their events out
// and counts them. One shared scheduler timer drives the ramp; devices own no timers of their own.
import type { FirmwareFacts } from "./firmware-facts.js";
import { type IdentitySource, simIdentifier } from "./identities.js";
import { type DeviceEnvironment, type DeviceEvent, SimulatedDevice } from "./simulated-device.js";

export interface FleetOptions {
  count: number;
  /** Devices started per second; Infinity starts them as fast as `concurrency` allows. */
  rampPerSecond: number;
  /** Devices connecting for the first time at once (started, not yet joined or failed). */
  concurrency: number;
  identities: IdentitySource;
  firmware: FirmwareFacts;
  env: Omit<DeviceEnvironment, "observe">;
  identifierPrefix?: string;
}

/** How many devices are where; `done`/`failed` count against the rollout target, when one is set. */
export interface FleetCounts {
  total: number;
  started: number;
  connecting: number;
  joined: number;
  reconnecting: number;
  updating: number;
  rebooting: number;
  done: number;
  failed: number;
}

export interface RampReport {
  started: number;
  /** Devices that joined at least once. */
  joined: number;
  /** From the first start to the last first join, in ms. */
  durationMs: number;
  /** Devices joined per second over that span. */
  joinRate: number;
  /** Start-to-first-join time per joined device, in ms. */
  joinLatenciesMs: number[];
  /** Identity creation failures (bad settings, certificate issuance). */
  identityErrors: string[];
}

export type FleetListener = (device: SimulatedDevice, event: DeviceEvent) => void;

const TICK_MS = 10;

export class Fleet {
  readonly devices: SimulatedDevice[] = [];
  /** The firmware a rollout is moving the fleet to. */
  target: { uuid: string; version: string } | undefined;
  readonly #listeners = new Set<FleetListener>();
  readonly #startedAt: number[] = [];
  readonly #identityErrors: string[] = [];
  /** Devices that left the first-connect window (joined or failed once). */
  readonly #settled = new Set<number>();
  #inFlight = 0;
  #creating = 0;
  #stopped = false;
  readonly #env: DeviceEnvironment;

  constructor(private readonly options: FleetOptions) {
    if (!Number.isInteger(options.count) || options.count < 1) throw new RangeError("count must be >= 1");
    if (!(options.rampPerSecond > 0)) throw new RangeError("rampPerSecond must be > 0");
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1)
      throw new RangeError("concurrency must be >= 1");
    this.#env = { ...options.env, observe: (device, event) => this.#observe(device, event) };
  }

  get clock() {
    return this.options.env.clock;
  }

  on(listener: FleetListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Starts every device at the configured pace; resolves once all were started and have joined or failed once. */
  ramp(): Promise<void> {
    const { count, rampPerSecond, concurrency } = this.options;
    const clock = this.clock;
    const t0 = clock.now();
    return new Promise((resolve) => {
      let launched = 0;
      const tick = () => {
        if (this.#stopped) return resolve();
        const due = Math.min(count, Math.floor(((clock.now() - t0) * rampPerSecond) / 1000) + 1);
        while (launched < due && this.#inFlight + this.#creating < concurrency) this.#launch(launched++);
        if (launched >= count && this.#inFlight + this.#creating === 0) return resolve();
        clock.setTimeout(tick, TICK_MS);
      };
      tick();
    });
  }

  /** A summary of the ramp so far. */
  rampReport(): RampReport {
    const latencies: number[] = [];
    let first = Number.POSITIVE_INFINITY;
    let last = 0;
    for (const d of this.devices) {
      const started = this.#startedAt[d.index];
      first = Math.min(first, started ?? first);
      if (d.firstJoinAt === undefined || started === undefined) continue;
      latencies.push(d.firstJoinAt - started);
      last = Math.max(last, d.firstJoinAt);
    }
    const joined = latencies.length;
    const durationMs = joined > 0 ? Math.max(1, last - first) : 0;
    return {
      started: this.devices.length,
      joined,
      durationMs,
      joinRate: joined > 0 ? (joined * 1000) / durationMs : 0,
      joinLatenciesMs: latencies,
      identityErrors: [...this.#identityErrors],
    };
  }

  counts(): FleetCounts {
    const c: FleetCounts = {
      total: this.options.count,
      started: this.devices.length,
      connecting: 0,
      joined: 0,
      reconnecting: 0,
      updating: 0,
      rebooting: 0,
      done: 0,
      failed: 0,
    };
    const target = this.target?.uuid;
    for (const d of this.devices) {
      if (d.phase === "connecting") c.connecting++;
      else if (d.phase === "joined") c.joined++;
      else if (d.phase === "reconnecting") c.reconnecting++;
      else if (d.phase === "updating") c.updating++;
      else if (d.phase === "rebooting") c.rebooting++;
      if (target === undefined) continue;
      if (d.firmware.uuid === target && d.phase === "joined") c.done++;
      else if (d.lastUpdateFailure !== undefined && d.phase !== "updating" && d.firmware.uuid !== target)
        c.failed++;
    }
    return c;
  }

  /** Resolves true once `predicate` holds (checked every `pollMs`), false after `timeoutMs` or a stop. */
  until(predicate: (fleet: Fleet) => boolean, timeoutMs: number, pollMs = 50): Promise<boolean> {
    const clock = this.clock;
    const deadline = clock.now() + timeoutMs;
    return new Promise((resolve) => {
      const check = () => {
        if (predicate(this)) return resolve(true);
        if (clock.now() >= deadline || this.#stopped) return resolve(false);
        clock.setTimeout(check, pollMs);
      };
      check();
    });
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** Stops every device; ramps and waits in progress end early. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all(this.devices.map((d) => d.stop()));
  }

  #launch(index: number): void {
    const { identities, firmware, identifierPrefix } = this.options;
    const identifier = simIdentifier(identifierPrefix ?? "sim", index, this.options.count);
    this.#creating++;
    identities(identifier).then(
      (identity) => {
        this.#creating--;
        if (this.#stopped) return;
        const device = new SimulatedDevice(index, identity, { ...firmware }, this.#env);
        this.devices.push(device);
        this.#startedAt[index] = this.clock.now();
        this.#inFlight++;
        device.start();
      },
      (e: unknown) => {
        this.#creating--;
        this.#identityErrors.push(`${identifier}: ${e instanceof Error ? e.message : String(e)}`);
      },
    );
  }

  #observe(device: SimulatedDevice, event: DeviceEvent): void {
    // A device leaves the connect window at its first join or its first failure.
    if ((event.type === "joined" && event.first) || (event.type === "link-error" && device.joins === 0)) {
      if (!this.#settled.has(device.index)) {
        this.#settled.add(device.index);
        this.#inFlight--;
      }
    }
    for (const listener of this.#listeners) listener(device, event);
  }
}
