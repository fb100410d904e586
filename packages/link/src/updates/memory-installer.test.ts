import { createHash } from "node:crypto";
import type { FwupMessage } from "@nerves-hub-ts/ports";
import { describe, expect, it } from "vitest";
import { MemoryInstaller } from "./memory-installer.js";

const data = Uint8Array.from({ length: 1000 }, (_, i) => i % 251);
const sha = createHash("sha256").update(data).digest("hex");

async function install(
  installer: MemoryInstaller,
  bytes: Uint8Array,
  request: { size?: number; checksum?: string } = {},
) {
  const messages: FwupMessage[] = [];
  const s = installer.begin({ publicKeys: [], ...request, onMessage: (m) => messages.push(m) });
  for (let i = 0; i < bytes.length; i += 300) await s.write(bytes.subarray(i, i + 300));
  s.end();
  return { result: await s.result, messages };
}

describe("MemoryInstaller", () => {
  it("checks size and SHA-256 and answers with progress then OK", async () => {
    const installer = new MemoryInstaller({ keepBytes: true });
    const { result, messages } = await install(installer, data, { size: 1000, checksum: sha.toUpperCase() });
    expect(result).toEqual({ ok: true });
    expect(messages.map((m) => (m.type === "progress" ? m.percent : m.type))).toEqual([
      0,
      30,
      60,
      90,
      100,
      "ok",
    ]);
    expect(installer.installs[0]?.sha256).toBe(sha);
    expect(installer.installs[0]?.bytes).toEqual(data);
  });

  it("can be told to fail like fwup", async () => {
    const { result } = await install(new MemoryInstaller({ failWith: "Invalid signature" }), data);
    expect(result).toEqual({ ok: false, failure: { kind: "fwup", message: "Invalid signature" } });
  });
});
