// A refused upgrade's `Date` header is the hub's clock. Shared-secret signing takes it as a hint on
// the next attempt, and a large difference is worth a warning: a wrong device clock is a common
// reason for refused signatures.

import type { Clock, Logger, SigningHint } from "@nerves-hub-ts/ports";
import { parseHttpDate } from "./http-date.js";
import type { LinkError } from "./link-state.js";

/** Beyond this difference between the hub's Date and the device clock, warn about the clock. */
export const CLOCK_SKEW_WARN_MS = 30_000;

/** Remembers the hub's clock from its last Date header. */
export class ClockHint {
  private last?: { serverTimeMs: number; seenAt: number };

  constructor(
    private readonly clock: Clock,
    private readonly log: Logger,
    /** True when the Identity signs with the hint (shared secret); only changes the warning. */
    private readonly signsWithHint: boolean,
    private readonly onSkew: (skewMs: number) => void,
  ) {}

  /** Notes the hub's Date; returns device minus hub time (ms), or undefined when it does not parse. */
  observe(date: string): number | undefined {
    const serverTimeMs = parseHttpDate(date);
    if (serverTimeMs === undefined) return undefined;
    const now = this.clock.now();
    this.last = { serverTimeMs, seenAt: now };
    const skew = now - serverTimeMs;
    if (Math.abs(skew) > CLOCK_SKEW_WARN_MS) {
      const signing = this.signsWithHint ? "; the next signature uses the hub's time as a hint" : "";
      this.log.warn(`device clock looks wrong: it is ${describeSkew(skew)} the hub's Date header${signing}`, {
        skewMs: skew,
      });
      this.onSkew(skew);
    }
    return skew;
  }

  /** The hub's time now, estimated from its last Date header and the device clock since then. */
  signingHint(): SigningHint | undefined {
    const last = this.last;
    return last ? { serverTimeMs: last.serverTimeMs + (this.clock.now() - last.seenAt) } : undefined;
  }

  /** Forgets the hub's clock once a connection opens; a later refusal brings a fresh Date. */
  forget(): void {
    this.last = undefined;
  }
}

/** A refused signature while the clocks disagree is most likely the clock's fault: say so. */
export function blameClock(error: LinkError, skewMs: number | undefined): void {
  if (skewMs === undefined || Math.abs(skewMs) <= CLOCK_SKEW_WARN_MS || error.kind !== "auth") return;
  error.kind = "clock";
  error.message = `${error.message}; the device clock is ${describeSkew(skewMs)} the hub's`;
}

function describeSkew(skewMs: number): string {
  return `${Math.round(Math.abs(skewMs) / 1000)} s ${skewMs > 0 ? "ahead of" : "behind"}`;
}
