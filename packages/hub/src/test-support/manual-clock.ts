import type { Clock, TimerHandle } from "../time/clock.js";

interface Timer {
  seq: number;
  at: number;
  fn: () => void;
  cancelled: boolean;
}

/** A clock that moves only when told to (tests); timers run in due order. */
export class ManualClock implements Clock {
  #now: number;
  #seq = 0;
  #timers: Timer[] = [];

  constructor(startMs = Date.now()) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: Timer = { seq: this.#seq++, at: this.#now + Math.max(0, ms), fn, cancelled: false };
    this.#timers.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }

  /** Pending timers, as delays from now. */
  pending(): number[] {
    return this.#live().map((t) => t.at - this.#now);
  }

  /** Moves time forward by `ms`, running every timer that falls due, including ones they schedule. */
  advance(ms: number): void {
    const until = this.#now + ms;
    for (;;) {
      const next = this.#live()[0];
      if (!next || next.at > until) break;
      this.#now = next.at;
      next.cancelled = true;
      next.fn();
    }
    this.#now = until;
  }

  #live(): Timer[] {
    this.#timers = this.#timers.filter((t) => !t.cancelled);
    return [...this.#timers].sort((a, b) => a.at - b.at || a.seq - b.seq);
  }
}
