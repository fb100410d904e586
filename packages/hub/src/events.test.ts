import { describe, expect, it } from "vitest";
import { type HubEvent, HubEvents, HubEventsOverflowError } from "./events.js";

const event = (n: number): HubEvent => ({ type: "left", at: n, identifier: "d", topic: "device" });

describe("HubEvents.iterate", () => {
  it("delivers every event in order while the consumer keeps up", async () => {
    const events = new HubEvents();
    const it = events.iterate(undefined, 3);
    for (const n of [1, 2, 3]) events.emit(event(n));
    const seen = [(await it.next()).value?.at, (await it.next()).value?.at, (await it.next()).value?.at];
    events.emit(event(4));
    seen.push((await it.next()).value?.at);
    expect(seen).toEqual([1, 2, 3, 4]);
    await it.return?.();
    expect(await it.next()).toEqual({ value: undefined, done: true });
  });

  it("stops queueing for a consumer that falls behind: queued events, then an overflow error", async () => {
    const events = new HubEvents();
    const it = events.iterate(undefined, 3);
    for (const n of [1, 2, 3, 4, 5]) events.emit(event(n));
    const seen = [(await it.next()).value?.at, (await it.next()).value?.at, (await it.next()).value?.at];
    expect(seen).toEqual([1, 2, 3]);
    await expect(it.next()).rejects.toThrow(HubEventsOverflowError);
    events.emit(event(6));
    expect(await it.next()).toEqual({ value: undefined, done: true });
  });

  it("ends when its signal aborts", async () => {
    const events = new HubEvents();
    const controller = new AbortController();
    const it = events.iterate(controller.signal);
    const pending = it.next();
    controller.abort();
    expect(await pending).toEqual({ value: undefined, done: true });
  });
});
