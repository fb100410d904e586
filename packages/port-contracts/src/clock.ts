// The Clock and Random contracts: what `Clock` and `Random` in @nerves-hub-ts/ports promise, as
// tests. A fixture moves its clock with `advance`: a manual clock jumps, a real one waits.
import type { Clock, Random } from "@nerves-hub-ts/ports";
import { beforeEach, describe, expect, it } from "vitest";

export interface ClockFixture {
  clock: Clock;
  /** Lets at least `ms` of this clock's time pass, running what falls due. */
  advance(ms: number): Promise<void>;
}

export interface RandomFixture {
  random: Random;
}

/** Registers the Clock contract for the clock `setup` builds (once per test). */
export function clockContract(name: string, setup: () => Promise<ClockFixture>): void {
  describe(`${name} (Clock contract)`, () => {
    let fixture: ClockFixture;
    beforeEach(async () => {
      fixture = await setup();
    });

    it("tells wall-clock milliseconds since the epoch, moving forward with time", async () => {
      const { clock } = fixture;
      const before = clock.now();
      expect(Number.isFinite(before)).toBe(true);
      expect(before).toBeGreaterThan(Date.UTC(2000, 0, 1));
      await fixture.advance(40);
      expect(clock.now() - before).toBeGreaterThanOrEqual(40);
    });

    it("runs a callback once, after its delay and not before", async () => {
      const fired: number[] = [];
      fixture.clock.setTimeout(() => fired.push(fixture.clock.now()), 200);
      await fixture.advance(20);
      expect(fired).toEqual([]);
      await fixture.advance(300);
      expect(fired).toHaveLength(1);
      await fixture.advance(300);
      expect(fired).toHaveLength(1);
    });

    it("runs callbacks in the order they fall due, a zero delay included", async () => {
      const order: string[] = [];
      fixture.clock.setTimeout(() => order.push("late"), 60);
      fixture.clock.setTimeout(() => order.push("soon"), 10);
      fixture.clock.setTimeout(() => order.push("now"), 0);
      await fixture.advance(150);
      expect(order).toEqual(["now", "soon", "late"]);
    });

    it("a cancelled callback never runs, and cancelling twice or after it ran is harmless", async () => {
      const fired: string[] = [];
      const cancelled = fixture.clock.setTimeout(() => fired.push("cancelled"), 10);
      const ran = fixture.clock.setTimeout(() => fired.push("ran"), 10);
      cancelled.cancel();
      cancelled.cancel();
      await fixture.advance(60);
      ran.cancel();
      expect(fired).toEqual(["ran"]);
    });

    it("a callback may schedule another", async () => {
      const fired: string[] = [];
      fixture.clock.setTimeout(() => {
        fired.push("first");
        fixture.clock.setTimeout(() => fired.push("second"), 10);
      }, 10);
      await fixture.advance(100);
      expect(fired).toEqual(["first", "second"]);
    });
  });
}

/** Registers the Random contract for the source `setup` builds (once per test). */
export function randomContract(name: string, setup: () => Promise<RandomFixture>): void {
  describe(`${name} (Random contract)`, () => {
    it("draws numbers in [0, 1)", async () => {
      const { random } = await setup();
      for (let i = 0; i < 1000; i++) {
        const draw = random.next();
        expect(Number.isFinite(draw)).toBe(true);
        expect(draw).toBeGreaterThanOrEqual(0);
        expect(draw).toBeLessThan(1);
      }
    });
  });
}
