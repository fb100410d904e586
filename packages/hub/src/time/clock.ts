// Time enters the hub through this port, so penalty boxes and extension intervals run on fake time in tests.

/** A handle to cancel a scheduled callback. */
export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Wall-clock milliseconds since the epoch. */
  now(): number;
  /** Runs `fn` once after `ms` milliseconds. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
}

/** Node timers cannot wait longer than this; longer waits are chained. */
const MAX_NODE_DELAY = 2 ** 31 - 1;

/** The system clock. Its timers never keep the process alive. */
export function systemClock(): Clock {
  return {
    now: () => Date.now(),
    setTimeout(fn, ms) {
      let timer: NodeJS.Timeout;
      const arm = (remaining: number) => {
        const step = Math.min(Math.max(0, remaining), MAX_NODE_DELAY);
        timer = setTimeout(() => (remaining > step ? arm(remaining - step) : fn()), step);
        timer.unref();
      };
      arm(ms);
      return { cancel: () => clearTimeout(timer) };
    },
  };
}

/** Runs `fn` every `ms` on `clock` until cancelled. */
export function every(clock: Clock, ms: number, fn: () => void): TimerHandle {
  let handle: TimerHandle;
  let cancelled = false;
  const arm = () => {
    handle = clock.setTimeout(() => {
      if (cancelled) return;
      arm();
      fn();
    }, ms);
  };
  arm();
  return {
    cancel() {
      cancelled = true;
      handle.cancel();
    },
  };
}
