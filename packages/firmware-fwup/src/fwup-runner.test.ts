import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FwupMessage } from "@nerves-hub-ts/ports";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FRAME_BYTES, FwupRunner, type FwupRunnerOptions } from "./fwup-runner.js";
import { fakeFwup } from "./test-support/fwup-bin.js";

const KEY = btoa("k".repeat(32));
const firmware = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 7) % 256);
const sha = createHash("sha256").update(firmware).digest("hex");
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "fwup-runner-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function start(env: Record<string, string>, extra: Partial<FwupRunnerOptions> = {}) {
  const messages: FwupMessage[] = [];
  const runner = FwupRunner.start({
    devpath: "/tmp/fake.img",
    ...fakeFwup(env),
    onMessage: (m) => messages.push(m),
    ...extra,
  });
  return { runner, messages };
}

async function feed(runner: FwupRunner, bytes: Uint8Array, chunk = 65_536) {
  for (let i = 0; i < bytes.length; i += chunk) await runner.write(bytes.subarray(i, i + chunk));
}

describe("FwupRunner (stand-in fwup)", () => {
  it("streams framed input and reports progress then OK", async () => {
    const argsFile = join(dir, "args.json");
    const out = join(dir, "out.bin");
    const { runner, messages } = start(
      {
        FAKE_FWUP_SIZE: String(firmware.length),
        FAKE_FWUP_SHA256: sha,
        FAKE_FWUP_KEY: KEY,
        FAKE_FWUP_ARGS_FILE: argsFile,
        FAKE_FWUP_OUTPUT: out,
        FWUP_TEST_ENV: "passed",
      },
      { publicKeys: [KEY], task: "upgrade", extraOptions: ["--unsafe"] },
    );
    await feed(runner, firmware);
    expect(await runner.result).toEqual({ ok: true });
    expect(messages[0]).toEqual({ type: "progress", percent: 0 });
    expect(messages.at(-2)).toEqual({ type: "progress", percent: 100 });
    expect(messages.at(-1)).toEqual({ type: "ok", code: 0, text: "" });
    const seen = JSON.parse(await readFile(argsFile, "utf8"));
    expect(seen.argv).toEqual([
      "--framing",
      "--exit-handshake",
      "--apply",
      "--no-unmount",
      "-d",
      "/tmp/fake.img",
      "--task",
      "upgrade",
      "--unsafe",
      "--public-key",
      KEY,
    ]);
    expect(seen.env).toEqual({ FWUP_TEST_ENV: "passed" });
    expect(new Uint8Array(await readFile(out))).toEqual(firmware);
  });

  it("sends many small writes as a few frames of at most FRAME_BYTES", async () => {
    const framesFile = join(dir, "frames.json");
    const { runner } = start({
      FAKE_FWUP_SIZE: String(firmware.length),
      FAKE_FWUP_SHA256: sha,
      FAKE_FWUP_FRAMES_FILE: framesFile,
    });
    await feed(runner, firmware, 4096);
    expect(await runner.result).toEqual({ ok: true });
    const frames = JSON.parse(await readFile(framesFile, "utf8")) as number[];
    expect(frames.reduce((a, b) => a + b, 0)).toBe(firmware.length);
    expect(Math.max(...frames)).toBeLessThanOrEqual(FRAME_BYTES);
    // 74 writes of 4 KiB; one frame each would be 74 frames.
    expect(frames.length).toBeLessThan(10);
  });

  it.each([
    [{ FAKE_FWUP_UNSIGNED: "1" }, "Expecting signed firmware archive."],
    [
      { FAKE_FWUP_KEY: btoa("x".repeat(32)) },
      "Firmware archive's meta.conf fails digital signature verification.",
    ],
    [{ FAKE_FWUP_MODE: "error" }, "refusing on purpose"],
  ])("maps ER to an fwup failure (%j)", async (env, text) => {
    const { runner, messages } = start(
      { FAKE_FWUP_SIZE: String(firmware.length), ...env },
      { publicKeys: [KEY] },
    );
    await feed(runner, firmware).catch(() => {});
    expect(await runner.result).toEqual({ ok: false, failure: { kind: "fwup", message: text } });
    expect(messages.at(-1)).toEqual({ type: "error", code: 0, text });
  });

  it("corrupted input is refused by the archive check", async () => {
    const bad = firmware.slice();
    bad[4502] = (bad[4502] ?? 0) ^ 0xff;
    const { runner } = start({ FAKE_FWUP_SIZE: String(firmware.length), FAKE_FWUP_SHA256: sha });
    await feed(runner, bad);
    const r = await runner.result;
    expect(r.ok).toBe(false);
    expect(!r.ok && r.failure.kind === "fwup" && r.failure.message).toMatch(/ZIP bad CRC/);
  });

  it("an exit without OK or ER is unexpected", async () => {
    const { runner } = start({ FAKE_FWUP_MODE: "exit-early" });
    await feed(runner, firmware).catch(() => {});
    expect(await runner.result).toEqual({
      ok: false,
      failure: { kind: "unexpected", message: "fwup exited (status 3) without reporting OK or ER" },
    });
  });

  it("applies back-pressure: writes wait while fwup is not reading, and fail when it is cancelled", async () => {
    const { runner } = start({ FAKE_FWUP_MODE: "hang" });
    let pending: Promise<void> | undefined;
    let written = 0;
    // The pipe takes a bounded amount; then a write stays pending.
    for (let i = 0; i < 64 && !pending; i++) {
      const w = runner.write(new Uint8Array(256 * 1024));
      const settled = await Promise.race([
        w.then(() => true),
        new Promise((r) => setTimeout(() => r(false), 50)),
      ]);
      if (settled) written++;
      else pending = w;
    }
    expect(pending).toBeDefined();
    expect(written).toBeLessThan(64);
    runner.cancel("download failed");
    await expect(pending).rejects.toThrow(/not taking input/);
    expect(await runner.result).toEqual({
      ok: false,
      failure: { kind: "unexpected", message: "download failed" },
    });
  });

  it("cancel escalates to SIGKILL when fwup ignores SIGTERM", async () => {
    let ready!: () => void;
    const started = new Promise<void>((r) => (ready = r));
    const runner = FwupRunner.start({
      devpath: "/tmp/fake.img",
      ...fakeFwup({ FAKE_FWUP_MODE: "hang-ignore-term" }),
      killGraceMs: 200,
      onMessage: () => ready(),
    });
    await started; // its SIGTERM handler is installed
    const t0 = Date.now();
    runner.cancel("stopping");
    expect(await runner.result).toEqual({ ok: false, failure: { kind: "unexpected", message: "stopping" } });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
  });

  it("reports a missing executable", async () => {
    const runner = FwupRunner.start({ devpath: "/tmp/x", command: "/nonexistent/fwup" });
    const r = await runner.result;
    expect(r.ok).toBe(false);
    expect(!r.ok && r.failure.kind === "unexpected" && r.failure.message).toMatch(
      /cannot run \/nonexistent\/fwup: .*ENOENT/,
    );
    await expect(runner.write(new Uint8Array(1))).rejects.toThrow();
  });

  it("forwards warnings", async () => {
    const { runner, messages } = start({ FAKE_FWUP_MODE: "warn", FAKE_FWUP_SIZE: "5" });
    await runner.write(new Uint8Array(5));
    await runner.result;
    expect(messages).toContainEqual({ type: "warning", code: 0, text: "hello from fwup.conf" });
  });
});
