// The runner against the real fwup CLI: build a signed archive with fwup itself, then apply it
// to an image file through framed stdin. Skipped (and said so) when fwup is not on PATH.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestHub, type TestFirmware, testFirmware } from "@nerves-hub-ts/hub/testing";
import { nodeSha256 } from "@nerves-hub-ts/platform-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fwupInstaller } from "./fwup-installer.js";
import { FwupRunner } from "./fwup-runner.js";
import { HttpDownloader } from "./http-downloader.js";
import { cachingStrategy } from "./strategies/caching.js";
import { partsStrategy } from "./strategies/parts.js";
import { streamingStrategy } from "./strategies/streaming.js";
import { FWUP_INSTALL_HINT, hasFwup } from "./test-support/fwup-bin.js";
import { offerFor } from "./test-support/hub-firmware.js";
import { runJob } from "./test-support/job.js";
import { mountSmallFs, smallFsUnavailable } from "./test-support/small-fs.js";

if (!hasFwup) console.warn(`[firmware-fwup] ${FWUP_INSTALL_HINT}`);

let dir: string;
let firmware: TestFirmware;

// Applying a signed archive, a cut-short one and the session rules are the FirmwareInstaller
// contract's (fwup-installer.contract.test.ts); these are the fwup-specific cases.
async function apply(archive: Uint8Array, keys: string[]) {
  const image = join(dir, `disk-${Math.random().toString(36).slice(2)}.img`);
  await writeFile(image, Buffer.alloc(0));
  const runner = FwupRunner.start({ devpath: image, task: "upgrade", publicKeys: keys });
  try {
    for (let i = 0; i < archive.length; i += 4096) await runner.write(archive.subarray(i, i + 4096));
  } catch {
    // fwup answered early; the result says why
  }
  runner.end();
  return { result: await runner.result, image };
}

describe.skipIf(!hasFwup)("FwupRunner with the real fwup", () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "fwup-real-"));
    // Large enough that downloads reach 1 MiB reads, each a frame of its own on fwup's stdin.
    firmware = await testFirmware({ size: 6 * 1024 * 1024, seed: 11 });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("refuses an unsigned archive when a key is given", async () => {
    const { result } = await apply(firmware.unsigned, [firmware.publicKey]);
    expect(result).toEqual({
      ok: false,
      failure: { kind: "fwup", message: "Expecting signed firmware archive." },
    });
  });

  it.each(["streaming", "caching", "parts"] as const)(
    "installs a signed archive served by the hub with the %s strategy",
    async (kind) => {
      const h = await startTestHub();
      try {
        const { uuid } = await h.hub.addFirmware(firmware.signed, firmware.meta);
        const image = join(dir, `${kind}.img`);
        await writeFile(image, Buffer.alloc(0));
        const deps = {
          downloader: new HttpDownloader({ proxy: null }),
          installer: fwupInstaller({ devpath: image, task: "upgrade" }),
          hash: nodeSha256,
        };
        const cacheDir = join(dir, `${kind}-cache`);
        const strategy =
          kind === "streaming"
            ? streamingStrategy(deps)
            : kind === "caching"
              ? cachingStrategy({ ...deps, cacheDir })
              : partsStrategy({ ...deps, cacheDir });
        const r = await runJob(strategy, offerFor(h.hub, uuid), [firmware.publicKey]);
        expect(r.outcome).toEqual({ ok: true });
        expect(r.messages.at(-1)).toEqual({ type: "ok", code: 0, text: "" });
        expect(r.progress.filter(([s]) => s === "updating").at(-1)).toEqual(["updating", 100]);
        expect(
          Buffer.compare((await readFile(image)).subarray(0, firmware.payload.length), firmware.payload),
        ).toBe(0);
      } finally {
        await h.close();
      }
    },
  );

  it.skipIf(smallFsUnavailable).each(["streaming", "caching", "parts"] as const)(
    "%s: a target disk smaller than the firmware fails with fwup's reason (tmpfs)",
    async (kind) => {
      const h = await startTestHub();
      const fs = mountSmallFs(5);
      try {
        const { uuid } = await h.hub.addFirmware(firmware.signed, firmware.meta);
        const image = join(fs.dir, "disk.img");
        await writeFile(image, Buffer.alloc(0));
        const deps = {
          downloader: new HttpDownloader({ proxy: null }),
          installer: fwupInstaller({ devpath: image, task: "upgrade" }),
          cacheDir: join(dir, `cache-${kind}`),
          hash: nodeSha256,
        };
        const strategy = { streaming: streamingStrategy, caching: cachingStrategy, parts: partsStrategy }[
          kind
        ];
        const r = await runJob(strategy(deps), offerFor(h.hub, uuid), [firmware.publicKey]);
        expect(r.outcome).toEqual({
          ok: false,
          failure: { kind: "fwup", message: expect.stringMatching(/^write failed at offset \d+/) },
        });
      } finally {
        fs.unmount();
        await h.close();
      }
    },
    30_000,
  );
});
