// Every strategy on a disk that fills up: on a real small file system (a tmpfs; skipped, saying
// why, where this machine cannot mount one) and with ENOSPC injected at a chosen byte (always).
// Each update ends `failed` with a reason that says the disk is full, leaves no image that could
// pass for complete, and the next update installs.
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { firmwareBytes, startTestHub, type TestHub } from "@nerves-hub-ts/hub/testing";
import { MemoryStorage } from "@nerves-hub-ts/link/testing";
import { nodeSha256 } from "@nerves-hub-ts/platform-node";
import type { FirmwareInstaller, UpdateOffer, UpdateStrategy } from "@nerves-hub-ts/ports";
import type { UpdateOutcome } from "@nerves-hub-ts/update";
import { failureReason } from "@nerves-hub-ts/update/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { HttpDownloader } from "../http-downloader.js";
import { sandboxInstaller } from "../sandbox-installer.js";
import { diskWithRoom } from "../test-support/full-disk.js";
import { offerFor } from "../test-support/hub-firmware.js";
import { runJob } from "../test-support/job.js";
import { mountSmallFs, type SmallFs, smallFsUnavailable } from "../test-support/small-fs.js";
import type { OpenWritableFile } from "../writable-file.js";
import { cachingStrategy } from "./caching.js";
import { partsStrategy } from "./parts.js";
import { streamingStrategy } from "./streaming.js";

const MiB = 1024 * 1024;
const big = firmwareBytes(20 * MiB, 5);
const small = firmwareBytes(MiB + 77, 6);
let h: TestHub;
let bigUuid: string;
let smallUuid: string;

if (smallFsUnavailable)
  console.warn(`[firmware-fwup] disk-full tests on tmpfs skipped: ${smallFsUnavailable}`);

beforeAll(async () => {
  h = await startTestHub();
  bigUuid = (await h.hub.addFirmware(big, { version: "2.0.0" })).uuid;
  smallUuid = (await h.hub.addFirmware(small, { version: "2.0.1" })).uuid;
});
afterAll(() => h?.close());

type Kind = "streaming" | "caching" | "parts";
interface Setup {
  cacheDir: string;
  installer: FirmwareInstaller;
  /** How the strategy writes its cache. */
  openFile?: OpenWritableFile;
  storage?: MemoryStorage;
}
function strategy(kind: Kind, s: Setup): UpdateStrategy {
  const downloader = new HttpDownloader({ retryDelayMs: 1, maxRetryDelayMs: 5, proxy: null });
  const { cacheDir, installer, openFile, storage } = s;
  if (kind === "streaming") return streamingStrategy({ downloader, installer, hash: nodeSha256 });
  if (kind === "caching")
    return cachingStrategy({ downloader, installer, cacheDir, openFile, hash: nodeSha256 });
  return partsStrategy({ downloader, installer, cacheDir, openFile, storage, hash: nodeSha256 });
}

/** Every file under `dir`, relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

function expectDiskFull(outcome: UpdateOutcome, file: RegExp): void {
  expect(outcome.ok).toBe(false);
  if (!outcome.ok) expect(failureReason(outcome.failure)).toMatch(file);
}

describe.skipIf(smallFsUnavailable)("a firmware bigger than the disk (tmpfs)", () => {
  const mounted: SmallFs[] = [];
  afterEach(() => {
    for (const fs of mounted.splice(0)) fs.unmount();
  });

  it.each([
    ["caching", 5, "the download fills the disk"],
    ["caching", 30, "the download fits, its copy into the sandbox does not"],
    ["streaming", 5, "the sandbox fills the disk"],
    ["parts", 5, "the parts fill the disk"],
  ] as const)(
    "%s on %i MiB (%s): failed with the reason, then a smaller update installs",
    async (kind, mib, _why) => {
      const fs = mountSmallFs(mib);
      mounted.push(fs);
      const image = join(fs.dir, "sandbox", "firmware.fw");
      const run = () =>
        strategy(kind, { cacheDir: join(fs.dir, "cache"), installer: sandboxInstaller({ path: image }) });

      const failed = await runJob(run(), offerFor(h.hub, bigUuid));
      expectDiskFull(failed.outcome, /no space left on device/);
      expect(failed.messages.some((m) => m.type === "ok")).toBe(false);
      const left = await filesUnder(fs.dir);
      expect(left.filter((f) => f.startsWith("sandbox/"))).toEqual([]);
      expect(left.filter((f) => f.endsWith(".fw"))).toEqual([]);

      const installed = await runJob(run(), offerFor(h.hub, smallUuid));
      expect(installed.outcome).toEqual({ ok: true });
      expect(Buffer.compare(await readFile(image), small)).toBe(0);
    },
    60_000,
  );
});

describe("ENOSPC injected at a chosen byte", () => {
  let dir: string;
  let cacheDir: string;
  let image: string;
  const offer = (): UpdateOffer => offerFor(h.hub, smallUuid);
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "disk-full-"));
    cacheDir = join(dir, "cache");
    image = join(dir, "sandbox", "firmware.fw");
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  /** After a failure: no sandbox image or partial, and the same update then installs with room. */
  async function expectCleanThenInstalls(kind: Kind) {
    expect((await filesUnder(dir)).filter((f) => f.startsWith("sandbox/"))).toEqual([]);
    const r = await runJob(
      strategy(kind, { cacheDir, installer: sandboxInstaller({ path: image }) }),
      offer(),
    );
    expect(r.outcome).toEqual({ ok: true });
    expect(Buffer.compare(await readFile(image), small)).toBe(0);
  }

  it.each(["caching", "parts"] as const)("%s: the cache write fails at byte 700 000", async (kind) => {
    const installer = sandboxInstaller({ path: image });
    const r = await runJob(strategy(kind, { cacheDir, installer, openFile: diskWithRoom(700_000) }), offer());
    expectDiskFull(r.outcome, /^Unexpected error : cannot write .*cache.*: ENOSPC: no space left on device/);
    await expectCleanThenInstalls(kind);
  });

  it.each(["caching", "streaming", "parts"] as const)(
    "%s: the sandbox write fails at byte 700 000",
    async (kind) => {
      const installer = sandboxInstaller({ path: image, openFile: diskWithRoom(700_000) });
      const r = await runJob(strategy(kind, { cacheDir, installer }), offer());
      expectDiskFull(r.outcome, /^FWUP error : "cannot write .*firmware\.fw\.partial: ENOSPC/);
      expect(r.messages.at(-1)?.type).toBe("error");
      // A refused image serves no resume: the cached copy is gone too (parts keep verified parts).
      expect((await filesUnder(dir)).filter((f) => f.endsWith(".fw"))).toEqual([]);
      await expectCleanThenInstalls(kind);
    },
  );

  it("parts: the verified-parts record cannot be saved", async () => {
    const storage = new MemoryStorage();
    storage.set = async () => {
      throw new Error("cannot write /data/state.json: ENOSPC: no space left on device, write");
    };
    const installer = sandboxInstaller({ path: image });
    const r = await runJob(strategy("parts", { cacheDir, installer, storage }), offer());
    expectDiskFull(r.outcome, /^Unexpected error : cannot write \/data\/state\.json: ENOSPC/);
    await expectCleanThenInstalls("parts");
  });
});
