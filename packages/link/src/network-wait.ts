// Before the first attempt only, wait until the hub (or the proxy) accepts a plain TCP connection
// (device-client.md §1.8), so a device that boots without network does not climb its backoff.
import type { Clock, Logger, NetworkProbe, ProbeTarget, TimerHandle } from "@nerves-hub-ts/ports";

/** The first probe runs this long after start (nerves_hub_link: 100 ms). */
const FIRST_PROBE_MS = 100;
const PROBE_TIMEOUT_MS = 2_000;
const RETRY_MS = 3_000;

export interface NetworkWaitHooks {
  /** Still waiting; the next probe is due at `nextProbeAt` (device clock, ms). */
  waiting(nextProbeAt: number): void;
  /** The target answered: time for the first attempt. */
  up(): void;
}

/** Probes until the target answers; says "waiting for network" once per link. */
export class NetworkWait {
  private timer?: TimerHandle;
  /** Bumped by `cancel`, so a probe still in flight is ignored when it answers. */
  private round = 0;
  private logged = false;

  constructor(
    private readonly probe: NetworkProbe,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly hooks: NetworkWaitHooks,
  ) {}

  start(target: ProbeTarget): void {
    const round = ++this.round;
    this.hooks.waiting(this.clock.now() + FIRST_PROBE_MS);
    this.timer = this.clock.setTimeout(() => void this.check(round, target), FIRST_PROBE_MS);
  }

  cancel(): void {
    this.round++;
    this.timer?.cancel();
    this.timer = undefined;
  }

  private async check(round: number, target: ProbeTarget): Promise<void> {
    if (round !== this.round) return;
    const up = await this.probe.reachable(target, PROBE_TIMEOUT_MS).catch(() => false);
    if (round !== this.round) return;
    if (up) {
      this.hooks.up();
      return;
    }
    if (!this.logged) this.log.info("waiting for network", { host: target.host, port: target.port });
    this.logged = true;
    this.timer = this.clock.setTimeout(() => void this.check(round, target), RETRY_MS);
    this.hooks.waiting(this.clock.now() + RETRY_MS);
  }
}

/** The hub's host and port, or the proxy's when one is configured (that is what must answer). */
export function probeTarget(proxy: string | undefined, hub: URL): ProbeTarget {
  const u = proxy ? new URL(proxy) : hub;
  const secure = u.protocol === "wss:" || u.protocol === "https:";
  return { host: u.hostname.replace(/^\[|\]$/g, ""), port: Number(u.port) || (secure ? 443 : 80) };
}
