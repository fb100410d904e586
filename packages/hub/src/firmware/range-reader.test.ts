import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RangeReader } from "./range-reader.js";
import type { FirmwareRecord } from "./store.js";

const data = randomBytes(1_000_000);
let dir: string;
let record: FirmwareRecord;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "hub-range-reader-"));
  const path = join(dir, "fw.bin");
  await writeFile(path, data);
  record = { source: { kind: "file", path } } as FirmwareRecord;
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("RangeReader over a file", () => {
  it("reads exactly the range asked for, in chunks of at most the chunk size", async () => {
    const reader = new RangeReader(record, { start: 1000, end: 654_320 }, 100_000);
    const parts: Buffer[] = [];
    for await (const { bytes, done } of reader.chunks()) {
      expect(bytes.length).toBeLessThanOrEqual(100_000);
      parts.push(Buffer.from(bytes));
      done();
    }
    expect(Buffer.concat(parts).equals(data.subarray(1000, 654_321))).toBe(true);
  });

  it("reuses its buffers: a chunk waits until an earlier one is done, and close ends the wait", async () => {
    const reader = new RangeReader(record, { start: 0, end: data.length - 1 }, 10_000);
    const it = reader.chunks();
    const held = [];
    for (let i = 0; i < 4; i++) held.push(((await it.next()).value as { done(): void }).done);
    let fifth: unknown = "pending";
    const next = it.next().then((r) => {
      fifth = r;
      return r;
    });
    await new Promise((r) => setTimeout(r, 30));
    expect(fifth).toBe("pending");
    held[0]?.();
    const r = await next;
    expect(r.done).toBe(false);
    expect(Buffer.from(r.value?.bytes ?? []).equals(data.subarray(40_000, 50_000))).toBe(true);

    const sixth = it.next(); // all four buffers are out again
    reader.close();
    expect((await sixth).done).toBe(true);
  });
});
