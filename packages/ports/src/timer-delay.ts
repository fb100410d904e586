// Node's timers hold a signed 32-bit delay: anything above 2^31-1 ms (about 24.8 days) fires after
// 1 ms instead, with a TimeoutOverflowWarning. Every delay the agent computes (backoff, deadlines,
// configured timeouts) goes through `timerDelayMs` before it reaches a timer.

/** The longest delay a Node timer honours: 2^31-1 ms, about 24.8 days. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** `ms` clamped to what a timer honours: from 0 to MAX_TIMER_DELAY_MS (NaN counts as 0). */
export function timerDelayMs(ms: number): number {
  if (!(ms > 0)) return 0;
  return Math.min(ms, MAX_TIMER_DELAY_MS);
}
