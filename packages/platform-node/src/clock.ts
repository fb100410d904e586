// The Clock and Random ports on Node: the system wall clock, real timers and crypto randomness.
import { randomBytes } from "node:crypto";
import type { Clock, Random, TimerHandle } from "@nerves-hub-ts/ports";

/** The system wall clock and real timers. */
export const nodeClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => new NodeTimer(setTimeout(fn, ms)),
};

/** A pending timer (a class rather than a closure: a fleet holds thousands). */
class NodeTimer implements TimerHandle {
  constructor(private readonly timeout: ReturnType<typeof setTimeout>) {}

  cancel(): void {
    clearTimeout(this.timeout);
  }
}

/** Cryptographically random numbers in [0, 1) (nerves_hub_link seeds its jitter from crypto bytes). */
export const nodeRandom: Random = {
  next: () => randomBytes(4).readUInt32BE(0) / 2 ** 32,
};
