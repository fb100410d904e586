import type { Clock, Random, TimerHandle } from "@nerves-hub-ts/ports";
import { MAX_TIMER_DELAY_MS } from "@nerves-hub-ts/ports";

interface Timer {
  seq: number;
  at: number;
  fn: () => void;
  cancelled: boolean;
}

/** A Clock that only moves when told to; also a test double. Timers run in due order. */
export class ManualClock implements Clock {
  private current: number;
  private seq = 0;
  private timers: Timer[] = [];

  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  /** Like Node's timers, a delay above MAX_TIMER_DELAY_MS (or NaN) fires after 1 ms. */
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const delay = ms <= MAX_TIMER_DELAY_MS ? Math.max(0, ms) : 1;
    const timer: Timer = { seq: this.seq++, at: this.current + delay, fn, cancelled: false };
    this.timers.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }

  /** Delays (ms from now) of the timers still pending, soonest first. */
  pending(): number[] {
    return this.live().map((t) => t.at - this.current);
  }

  /** Moves time forward by `ms`, running every timer that falls due (including ones they schedule). */
  advance(ms: number): void {
    const until = this.current + ms;
    for (;;) {
      const next = this.live()[0];
      if (!next || next.at > until) break;
      this.current = next.at;
      next.cancelled = true;
      next.fn();
    }
    this.current = until;
  }

  /** Moves to the next pending timer and runs it; returns the delay it waited, or undefined. */
  runNext(): number | undefined {
    const next = this.live()[0];
    if (!next) return undefined;
    const waited = next.at - this.current;
    this.advance(waited);
    return waited;
  }

  /** Sets the wall clock without running timers (a clock that jumps, e.g. after NTP). */
  setNow(ms: number): void {
    const shift = ms - this.current;
    this.current = ms;
    for (const t of this.timers) t.at += shift;
  }

  private live(): Timer[] {
    this.timers = this.timers.filter((t) => !t.cancelled);
    return [...this.timers].sort((a, b) => a.at - b.at || a.seq - b.seq);
  }
}

/** A Random that returns the given values in turn, repeating; also a test double. */
export class SequenceRandom implements Random {
  private i = 0;
  constructor(readonly values: number[] = [0]) {
    if (values.length === 0 || values.some((v) => v < 0 || v >= 1)) {
      throw new RangeError("SequenceRandom needs values in [0, 1)");
    }
  }
  next(): number {
    const v = this.values[this.i % this.values.length] as number;
    this.i++;
    return v;
  }
}
