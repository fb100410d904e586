// nerves_hub_link's `send_update?` rule for `fwup_progress` pushes (device-client.md §4.6): the
// first report of each stage is always sent; later ones only when the rounded percent went up
// AND at least 500 ms passed. `downloading 100` bypasses the rule so the hub sees the end.
import type { ProgressStage } from "@nerves-hub-ts/protocol";

export const PROGRESS_MIN_INTERVAL_MS = 500;

interface Sent {
  readonly value: number;
  readonly at: number;
}

/** The last report sent per stage. */
export type ProgressThrottle = Readonly<Partial<Record<ProgressStage, Sent>>>;

export interface ThrottleVerdict {
  /** Push `fwup_progress` with `value`? */
  send: boolean;
  /** The percent as reported: rounded and clamped to 0..100. */
  value: number;
  throttle: ProgressThrottle;
}

/** Decides whether a progress report at time `at` (ms) is pushed to the hub. */
export function throttleProgress(
  throttle: ProgressThrottle,
  stage: ProgressStage,
  percent: number,
  at: number,
): ThrottleVerdict {
  const value = Number.isFinite(percent) ? Math.min(100, Math.max(0, Math.round(percent))) : 0;
  const last = throttle[stage];
  const send =
    last === undefined ||
    (stage === "downloading" && value === 100 && last.value !== 100) ||
    (value > last.value && at - last.at >= PROGRESS_MIN_INTERVAL_MS);
  return { send, value, throttle: send ? { ...throttle, [stage]: { value, at } } : throttle };
}
