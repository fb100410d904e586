/** A handle to cancel a scheduled callback. */
export interface TimerHandle {
  cancel(): void;
}

/** Port: time. The core never calls Date or setTimeout directly, so tests drive it exactly. */
export interface Clock {
  /** Wall-clock milliseconds since the epoch. */
  now(): number;
  /** Runs `fn` once after `ms` milliseconds. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
}

/** Port: randomness in [0, 1), used for backoff jitter. */
export interface Random {
  next(): number;
}
