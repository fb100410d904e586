import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { BODY_QUEUE_BYTES, readBody } from "./body-reader.js";

class FakeBody extends EventEmitter {
  paused = false;
  pause() {
    this.paused = true;
  }
  resume() {
    this.paused = false;
  }
}

const chunk = (n: number, fill = 1) => Buffer.alloc(n, fill);

describe("readBody", () => {
  it("yields chunks in order and ends with the body", async () => {
    const body = new FakeBody();
    const it = readBody(body, () => {});
    const first = it.next(); // a stream only flows once it is read
    body.emit("data", chunk(3, 1));
    body.emit("data", chunk(2, 2));
    body.emit("end");
    const got: number[] = [...((await first).value ?? [])];
    for await (const c of it) got.push(...c);
    expect(got).toEqual([1, 1, 1, 2, 2]);
  });

  it("pauses the source when a slow reader lets the queue fill, and resumes when it drains", async () => {
    const body = new FakeBody();
    const it = readBody(body, () => {});
    const first = it.next(); // starts the reader
    for (let i = 0; i < 16; i++) body.emit("data", chunk(BODY_QUEUE_BYTES / 16));
    expect(body.paused).toBe(true);
    await first;
    for (let i = 0; i < 8; i++) await it.next();
    expect(body.paused).toBe(false);
  });

  it("turns a close before the end into an error, and reports waiting", async () => {
    const body = new FakeBody();
    const waits: boolean[] = [];
    const it = readBody(body, (w) => waits.push(w));
    const next = it.next();
    await Promise.resolve();
    body.emit("close");
    await expect(next).rejects.toThrow(/closed before the body ended/);
    expect(waits).toEqual([true, false]);
  });
});
