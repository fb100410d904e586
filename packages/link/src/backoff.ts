// nerves_hub_link's reconnect delays (device-client.md §1.7): start at `min`, double while below
// `max`, then `max` forever; every delay is inflated by a fresh jitter draw.

import type { Random } from "@nerves-hub-ts/ports";
import type { BackoffConfig } from "./config.js";

/** Picks the delay before the Nth consecutive reconnect attempt (N starts at 1). */
export interface BackoffPolicy {
  delayMs(attempt: number): number;
}

/** The un-jittered steps: 1000, 2000, ..., 32000, 60000 for the defaults. */
export function backoffSteps(minMs: number, maxMs: number): number[] {
  const steps: number[] = [];
  for (let d = minMs; d < maxMs; d *= 2) steps.push(d);
  steps.push(maxMs);
  return steps;
}

/** Exponential backoff with jitter; the last step repeats forever. */
export function exponentialBackoff(config: Required<BackoffConfig>, random: Random): BackoffPolicy {
  const steps = backoffSteps(config.minMs, config.maxMs);
  return {
    delayMs(attempt) {
      const base = steps[Math.min(Math.max(attempt, 1), steps.length) - 1] as number;
      return Math.round(base * (1 + config.jitter * random.next()));
    },
  };
}

/** A fixed delay list (config `socket.reconnectAfterMs`), used as is; the last entry repeats. */
export function listBackoff(delays: number[]): BackoffPolicy {
  return {
    delayMs: (attempt) => delays[Math.min(Math.max(attempt, 1), delays.length) - 1] as number,
  };
}
