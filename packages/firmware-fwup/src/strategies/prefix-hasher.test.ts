import { execFileSync } from "node:child_process";
import { appendFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { firmwareBytes, sha256Hex } from "@nerves-hub-ts/hub/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type PrefixHasher, prefixHasher } from "./prefix-hasher.js";

let dir: string;
let file: string;
let hasher: PrefixHasher;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "prefix-hasher-"));
  file = join(dir, "firmware.parts");
});
afterEach(async () => {
  await hasher?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("prefixHasher", () => {
  it("hashes a file as its prefix grows, in a worker thread", async () => {
    const a = firmwareBytes(3 * 1024 * 1024 + 5, 1);
    const b = firmwareBytes(777, 2);
    await writeFile(file, a);
    hasher = await prefixHasher(file);
    hasher.hashTo(1024 * 1024);
    hasher.hashTo(a.length);
    hasher.hashTo(10); // behind what was asked already: nothing to do
    await appendFile(file, b);
    const whole = Buffer.concat([a, b]);
    expect(await hasher.digest(whole.length, new AbortController().signal)).toBe(sha256Hex(whole));
  });

  it("fails with the path when the file is shorter than the size asked for", async () => {
    await writeFile(file, firmwareBytes(100, 3));
    hasher = await prefixHasher(file);
    await expect(hasher.digest(200, new AbortController().signal)).rejects.toThrow(
      `cannot hash ${file}: ${file} ends at byte 100, not 200`,
    );
  });

  it("stops waiting when the update is stopped", async () => {
    // A FIFO nobody writes to: the worker's read never ends, so only the stop can.
    execFileSync("mkfifo", [file]);
    hasher = await prefixHasher(file);
    const stop = new AbortController();
    const digest = hasher.digest(100, stop.signal);
    stop.abort();
    await expect(digest).rejects.toMatchObject({ name: "AbortError" });
  });
});
