import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { firmwareBytes } from "@nerves-hub-ts/hub/testing";
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

// The installer rules (sizes, checksums, cancel, the verdict) are the FirmwareInstaller contract's
// (sandbox-installer.contract.test.ts); these are the file-specific cases.
describe("sandboxInstaller", () => {
  it("reports 0 % first and 100 % before OK, like fwup, and leaves only the image", async () => {
    const { result, messages, path } = await install(data, { size: data.length });
    expect(result).toEqual({ ok: true });
    expect(messages[0]).toEqual({ type: "progress", percent: 0 });
    expect(messages.at(-2)).toEqual({ type: "progress", percent: 100 });
    expect(await readdir(join(path, ".."))).toEqual(["firmware.img"]);
  });

  it("a refused image leaves neither the image nor its partial file", async () => {
    const short = await install(data.subarray(1), { size: data.length });
    expect(short.result.ok).toBe(false);
    await expect(stat(short.path)).rejects.toThrow(/ENOENT/);
    const wrong = await install(data, { checksum: "0".repeat(64) });
    expect(wrong.result.ok).toBe(false);
    expect(await readdir(join(wrong.path, ".."))).toEqual([]);
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
});
