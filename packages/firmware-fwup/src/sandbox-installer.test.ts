import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { firmwareBytes, sha256Hex } from "@nerves-hub-ts/hub/testing";
import type { FwupMessage } from "@nerves-hub-ts/ports";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sandboxInstaller } from "./sandbox-installer.js";
import { diskWithRoom } from "./test-support/full-disk.js";

const data = firmwareBytes(200_000, 9);
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "sandbox-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function install(bytes: Uint8Array, request: { size?: number; checksum?: string }) {
  const path = join(dir, "slot", "firmware.img");
  const messages: FwupMessage[] = [];
  const s = sandboxInstaller({ path }).begin({
    publicKeys: [],
    ...request,
    onMessage: (m) => messages.push(m),
  });
  for (let i = 0; i < bytes.length; i += 65_536) await s.write(bytes.subarray(i, i + 65_536));
  s.end();
  return { result: await s.result, messages, path };
}

describe("sandboxInstaller", () => {
  it("stores the verified image and answers like fwup", async () => {
    const { result, messages, path } = await install(data, {
      size: data.length,
      checksum: sha256Hex(data).toUpperCase(),
    });
    expect(result).toEqual({ ok: true });
    expect(Buffer.compare(await readFile(path), data)).toBe(0);
    expect(messages[0]).toEqual({ type: "progress", percent: 0 });
    expect(messages.at(-2)).toEqual({ type: "progress", percent: 100 });
    expect(messages.at(-1)).toEqual({ type: "ok", code: 0, text: "" });
  });

  it("refuses a wrong size or checksum and leaves no image", async () => {
    const short = await install(data.subarray(1), { size: data.length });
    expect(short.result).toEqual({
      ok: false,
      failure: { kind: "fwup", message: `Expected ${data.length} bytes, got ${data.length - 1}` },
    });
    await expect(stat(short.path)).rejects.toThrow(/ENOENT/);
    const wrong = await install(data, { checksum: "0".repeat(64) });
    expect(wrong.result.ok).toBe(false);
    expect(wrong.messages.at(-1)?.type).toBe("error");
  });

  it("a full disk ends the install: the write fails, the result names the file, nothing is left", async () => {
    const path = join(dir, "slot", "firmware.img");
    const messages: FwupMessage[] = [];
    const s = sandboxInstaller({ path, openFile: diskWithRoom(100_000) }).begin({
      publicKeys: [],
      onMessage: (m) => messages.push(m),
    });
    await s.write(data.subarray(0, 65_536));
    await expect(s.write(data.subarray(65_536, 131_072))).rejects.toThrow(/ENOSPC/);
    const reason = `cannot write ${path}.partial: ENOSPC: no space left on device, write`;
    expect(await s.result).toEqual({ ok: false, failure: { kind: "fwup", message: reason } });
    expect(messages.at(-1)).toEqual({ type: "error", code: 0, text: reason });
    expect(await readdir(join(dir, "slot"))).toEqual([]);
    s.cancel("update stopped"); // stopping afterwards is harmless
    await expect(s.write(data)).rejects.toThrow(/ended/);
  });

  it("cancel ends the install and refuses more input", async () => {
    const s = sandboxInstaller({ path: join(dir, "x.img") }).begin({ publicKeys: [] });
    await s.write(data);
    s.cancel("download failed");
    expect(await s.result).toEqual({
      ok: false,
      failure: { kind: "unexpected", message: "download failed" },
    });
    await expect(s.write(data)).rejects.toThrow(/ended/);
  });
});
