// Each strategy end to end: real HTTP from the hub's firmware server (with its fault injection),
// real child processes (the stand-in fwup), real files.
import { utimesSync, writeFileSync } from "node:fs";
import { mkdir, mkdtemp, open, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { firmwareBytes, sha256Hex, startTestHub, type TestHub } from "@nerves-hub-ts/hub/testing";
import { MemoryStorage } from "@nerves-hub-ts/link/testing";
import { nodeSha256 } from "@nerves-hub-ts/platform-node";
import type { UpdateOffer, UpdateStrategy } from "@nerves-hub-ts/ports";
import type { Sha256Factory } from "@nerves-hub-ts/update";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fwupInstaller } from "../fwup-installer.js";
import { HttpDownloader } from "../http-downloader.js";
import { fakeFwup } from "../test-support/fwup-bin.js";
import { offerFor } from "../test-support/hub-firmware.js";
import { runJob, startJob } from "../test-support/job.js";
import { CACHE_FOLDER } from "./cache-files.js";
import { cachingStrategy } from "./caching.js";
import { PARTS_STORAGE_KEY, partsStrategy } from "./parts.js";
import { streamingStrategy } from "./streaming.js";

const MiB = 1024 * 1024;
/** For tests that run several updates in a row: room for a loaded machine, not a speed target. */
const SEVERAL_JOBS_MS = 30_000;
const SIZE = 5 * MiB + 1234;
const fw = firmwareBytes(SIZE, 42);
let h: TestHub;
let uuid: string;
let dir: string;
let cacheDir: string;
let output: string;

beforeAll(async () => {
  h = await startTestHub({ firmware: { bytes: fw, meta: { version: "2.0.0", product: "widget" } } });
  uuid = h.firmware?.uuid ?? "";
});
afterAll(() => h.close());
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "strategy-"));
  cacheDir = join(dir, "cache");
  output = join(dir, "installed.img");
});
afterEach(async () => {
  h.hub.clearFaults();
  await rm(dir, { recursive: true, force: true });
});

/** The hash every strategy here verifies with. */
const hash = nodeSha256;
const downloader = () => new HttpDownloader({ retryDelayMs: 1, maxRetryDelayMs: 5, proxy: null });
/** The stand-in fwup: it takes SIZE bytes, writes them to `output` and says OK (it does not hash). */
const installer = () =>
  fwupInstaller({
    devpath: join(dir, "disk.img"),
    ...fakeFwup({ FAKE_FWUP_SIZE: String(SIZE), FAKE_FWUP_OUTPUT: output }),
  });

type Kind = "streaming" | "caching" | "parts";
const make: Record<Kind, () => UpdateStrategy> = {
  streaming: () => streamingStrategy({ downloader: downloader(), installer: installer(), hash }),
  caching: () => cachingStrategy({ downloader: downloader(), installer: installer(), cacheDir, hash }),
  parts: () => partsStrategy({ downloader: downloader(), installer: installer(), cacheDir, hash }),
};
const offer = (): UpdateOffer => offerFor(h.hub, uuid);
const installed = async () => new Uint8Array(await readFile(output));
const newRanges = () => {
  const seen = h.ranges().length;
  return () => h.ranges().slice(seen);
};
/** An fwup that takes nothing and never answers, so an update can be stopped while installing. */
const stuckInstaller = () =>
  fwupInstaller({
    devpath: join(dir, "disk.img"),
    ...fakeFwup({ FAKE_FWUP_MODE: "hang" }),
    killGraceMs: 500,
  });
/** Runs until the download is complete, then stops the update while it installs: what a restart finds. */
async function stoppedWhileInstalling(strategy: UpdateStrategy) {
  const job = startJob(strategy, offer());
  await expect.poll(() => job.progress.some(([stage, p]) => stage === "downloading" && p === 100)).toBe(true);
  job.abort();
  return job.done;
}

describe.each(["streaming", "caching", "parts"] as const)("%s strategy against the hub", (kind) => {
  it("installs the firmware, with the progress stages upstream reports", async () => {
    const r = await runJob(make[kind](), offer());
    expect(r.outcome).toEqual({ ok: true });
    expect(Buffer.compare(await installed(), fw)).toBe(0);
    expect(r.connections.length).toBeGreaterThanOrEqual(1);
    const stages = [...new Set(r.progress.map(([s]) => s))];
    if (kind === "streaming") expect(stages).toEqual(["updating"]);
    else {
      expect(stages).toEqual(["downloading", "updating"]);
      const downloads = r.progress.filter(([s]) => s === "downloading").map(([, p]) => p);
      expect(downloads.at(-1)).toBe(100);
      expect(downloads).toEqual([...downloads].sort((a, b) => a - b));
    }
    expect(r.messages.at(-1)).toEqual({ type: "ok", code: 0, text: "" });
  });

  it("resumes a cut download at the next byte", async () => {
    h.hub.injectFault({ firmwareUuid: uuid }, { cutAfterBytes: 1_500_000, once: true });
    const ranges = newRanges();
    const r = await runJob(make[kind](), offer());
    expect(r.outcome).toEqual({ ok: true });
    // The resume point is the first byte not received (the cut may lose bytes still in flight).
    const resumedAt = r.connections[1]?.offset ?? -1;
    expect(resumedAt).toBeGreaterThan(MiB);
    expect(resumedAt).toBeLessThanOrEqual(1_500_000);
    expect(ranges()).toEqual([null, `bytes=${resumedAt}-`]);
    expect(r.connections.map((c) => c.offset)).toEqual([0, resumedAt]);
    expect(Buffer.compare(await installed(), fw)).toBe(0);
  });

  it("retries a 5xx once", async () => {
    h.hub.injectFault({ firmwareUuid: uuid }, { status5xxOnce: 500 });
    const r = await runJob(make[kind](), offer());
    expect(r.outcome).toEqual({ ok: true });
    expect(r.connections).toHaveLength(2);
  });

  it("fails on a 404 without retrying, and leaves no cache behind", async () => {
    h.hub.injectFault({ firmwareUuid: uuid }, { status: 404 });
    const r = await runJob(make[kind](), offer());
    expect(r.outcome).toEqual({ ok: false, failure: { kind: "download", term: ["http_error", 404] } });
    expect(r.connections).toHaveLength(1);
    // Upstream wipes the cache on 404/416: caching its whole directory, parts this firmware's.
    if (kind !== "streaming") expect(await readdir(join(cacheDir, CACHE_FOLDER))).toEqual([]);
  });

  it("refuses a resume answered with the wrong Content-Range", async () => {
    h.hub.injectFault({ firmwareUuid: uuid }, { cutAfterBytes: 1_000_000, wrongContentRange: true });
    const r = await runJob(make[kind](), offer());
    const resumedAt = r.connections[1]?.offset ?? -1;
    expect(resumedAt).toBeGreaterThan(0);
    expect(r.outcome).toEqual({
      ok: false,
      failure: { kind: "download", term: ["bad_content_range", `bytes ${resumedAt + 1}-${SIZE}/${SIZE}`] },
    });
    expect(r.messages.some((m) => m.type === "ok")).toBe(false);
  });

  it("refuses firmware whose SHA-256 is not the announced checksum, before fwup can finish", async () => {
    const r = await runJob(make[kind](), { ...offer(), checksum: "AB".repeat(32) });
    expect(r.outcome).toEqual({ ok: false, failure: { kind: "update", term: "checksum_mismatch" } });
    expect(r.messages.some((m) => m.type === "ok")).toBe(false);
  });

  it("handles a byte corrupted in transit", async () => {
    h.hub.injectFault({ firmwareUuid: uuid }, { corruptByteAt: 3 * MiB + 17, once: true });
    const r = await runJob(make[kind](), offer());
    if (kind === "parts") {
      // The bad part fails its partial checksum and is fetched again.
      expect(r.outcome).toEqual({ ok: true });
      expect(Buffer.compare(await installed(), fw)).toBe(0);
      expect(r.connections.map((c) => c.offset)).toEqual([0, 3 * MiB]);
    } else {
      expect(r.outcome).toEqual({ ok: false, failure: { kind: "update", term: "checksum_mismatch" } });
      expect(r.messages.some((m) => m.type === "ok")).toBe(false);
    }
  });
});

describe("parts strategy specifics", () => {
  it("gives up after maxPartAttempts when a part never verifies", async () => {
    h.hub.injectFault({ firmwareUuid: uuid }, { corruptByteAt: 2 * MiB + 5 });
    const r = await runJob(
      partsStrategy({ downloader: downloader(), installer: installer(), cacheDir, maxPartAttempts: 3, hash }),
      offer(),
    );
    expect(r.outcome).toEqual({
      ok: false,
      failure: { kind: "update", term: ["part_verification_failed", 2] },
    });
    expect(r.connections.map((c) => c.offset)).toEqual([0, 2 * MiB, 2 * MiB]);
  });

  it("fetches parallel ranges (longest run halved, as upstream) and still installs the exact file", async () => {
    const ranges = newRanges();
    const r = await runJob(
      partsStrategy({
        downloader: downloader(),
        installer: installer(),
        cacheDir,
        maxConcurrentParts: 3,
        hash,
      }),
      offer(),
    );
    expect(r.outcome).toEqual({ ok: true });
    expect(ranges().sort()).toEqual([
      `bytes=0-${MiB - 1}`,
      `bytes=${MiB}-${3 * MiB - 1}`,
      `bytes=${3 * MiB}-`,
    ]);
    expect(Buffer.compare(await installed(), fw)).toBe(0);
  });

  it(
    "resumes parallel ranges after a restart: the parts the file holds are kept, its gaps fetched again",
    async () => {
      h.hub.injectFault({ firmwareUuid: uuid }, { bytesPerSecond: 8 * MiB });
      const parallel = () =>
        partsStrategy({
          downloader: downloader(),
          installer: installer(),
          cacheDir,
          maxConcurrentParts: 3,
          hash,
        });
      let stop!: () => void;
      const halfway = new Promise<void>((r) => (stop = r));
      const first = startJob(parallel(), offer(), {
        onProgress: (stage, p) => {
          if (stage === "downloading" && p >= 60) stop();
        },
      });
      await halfway;
      first.abort();
      await first.done;
      h.hub.clearFaults();
      const ranges = newRanges();
      const second = await runJob(parallel(), offer());
      expect(second.outcome).toEqual({ ok: true });
      expect(Buffer.compare(await installed(), fw)).toBe(0);
      // Only what the file did not hold is fetched again (a whole-file request would count NaN).
      const fetched = ranges().map((range) => {
        const [, from, to] = /^bytes=(\d+)-(\d*)$/.exec(range ?? "") ?? [];
        return (to ? Number(to) : SIZE - 1) - Number(from) + 1;
      });
      expect(fetched.reduce((n, b) => n + b, 0)).toBeLessThanOrEqual(SIZE - MiB);
    },
    SEVERAL_JOBS_MS,
  );

  it(
    "skips the download when every part is already verified on disk",
    async () => {
      await stoppedWhileInstalling(
        partsStrategy({ downloader: downloader(), installer: stuckInstaller(), cacheDir, hash }),
      );
      const ranges = newRanges();
      const r = await runJob(make.parts(), offer());
      expect(r.outcome).toEqual({ ok: true });
      expect(ranges()).toEqual([]);
      expect(r.progress[0]).toEqual(["downloading", 100]);
    },
    SEVERAL_JOBS_MS,
  );

  it("falls back to one whole-file part when partials_checksums does not fit", async () => {
    const ranges = newRanges();
    const r = await runJob(make.parts(), { ...offer(), partials_checksums: ["00".repeat(32)] });
    expect(r.outcome).toEqual({ ok: true });
    expect(ranges()).toEqual([null]);
  });
});

describe("parts strategy with Storage", () => {
  /** Counts the part hashes a run makes (the whole-file one runs in a worker thread). */
  function counting(): { hash: Sha256Factory; count: () => number } {
    let n = 0;
    return {
      hash: () => {
        n += 1;
        return nodeSha256();
      },
      count: () => n,
    };
  }
  const parts = (storage: MemoryStorage, hash: Sha256Factory = nodeSha256, stuck = false) =>
    partsStrategy({
      downloader: downloader(),
      installer: stuck ? stuckInstaller() : installer(),
      cacheDir,
      storage,
      hash,
    });

  it(
    "trusts the recorded verified parts after a restart instead of hashing them again",
    async () => {
      const storage = new MemoryStorage();
      await stoppedWhileInstalling(parts(storage, nodeSha256, true));
      expect(JSON.parse(storage.data.get(PARTS_STORAGE_KEY) ?? "{}").verified).toEqual([0, 1, 2, 3, 4, 5]);

      const withoutRecord = counting();
      await stoppedWhileInstalling(parts(new MemoryStorage(), withoutRecord.hash, true));
      expect(withoutRecord.count()).toBe(6); // six parts rehashed

      const withRecord = counting();
      expect((await runJob(parts(storage, withRecord.hash), offer())).outcome).toEqual({ ok: true });
      expect(withRecord.count()).toBe(0); // the whole-file check only
    },
    SEVERAL_JOBS_MS,
  );

  it(
    "a part damaged on disk is still caught by the whole-file checksum, and the next attempt starts clean",
    async () => {
      const storage = new MemoryStorage();
      await stoppedWhileInstalling(parts(storage, nodeSha256, true));
      const file = await open(join(cacheDir, CACHE_FOLDER, `${uuid}.parts`), "r+");
      await file.write(Buffer.from([0xff, 0xee]), 0, 2, 2 * MiB + 100); // inside part 2
      await file.close();

      const damaged = await runJob(parts(storage), offer());
      expect(damaged.outcome).toEqual({ ok: false, failure: { kind: "update", term: "checksum_mismatch" } });
      expect(damaged.messages.some((m) => m.type === "ok")).toBe(false);
      expect(storage.data.has(PARTS_STORAGE_KEY)).toBe(false);

      const ranges = newRanges();
      const retried = await runJob(parts(storage), offer());
      expect(retried.outcome).toEqual({ ok: true });
      expect(ranges()).toEqual([null]);
      expect(Buffer.compare(await installed(), fw)).toBe(0);
    },
    SEVERAL_JOBS_MS,
  );

  it("discards the folder of part files and the record an older layout left", async () => {
    const old = join(cacheDir, CACHE_FOLDER, `${uuid}.parts`);
    await mkdir(old, { recursive: true });
    for (let i = 0; i < 6; i++) await writeFile(join(old, `part-0000${i}`), Buffer.alloc(MiB, 0xaa));
    const storage = new MemoryStorage();
    const { checksum, size } = offer();
    const olderRecord = { name: uuid, checksum: checksum?.toLowerCase(), size, partSize: MiB };
    await storage.set(PARTS_STORAGE_KEY, JSON.stringify({ ...olderRecord, verified: [0, 1, 2, 3, 4, 5] }));
    const ranges = newRanges();
    const r = await runJob(parts(storage), offer());
    expect(r.outcome).toEqual({ ok: true });
    expect(ranges()).toEqual([null]);
    expect(Buffer.compare(await installed(), fw)).toBe(0);
    expect(await readdir(join(cacheDir, CACHE_FOLDER))).toEqual([]);
  });

  it("ignores a record that is not JSON, or holds parts that are not numbers, and installs", async () => {
    for (const record of ["{not json", JSON.stringify({ layout: "one-file", verified: "all" })]) {
      const storage = new MemoryStorage();
      await storage.set(PARTS_STORAGE_KEY, record);
      const r = await runJob(parts(storage), offer());
      expect(r.outcome).toEqual({ ok: true });
      expect(Buffer.compare(await installed(), fw)).toBe(0);
    }
  });

  it("does not take an older layout's record for the parts in the file", async () => {
    // The file holds wrong bytes where the record says the parts are verified.
    await mkdir(join(cacheDir, CACHE_FOLDER), { recursive: true });
    await writeFile(join(cacheDir, CACHE_FOLDER, `${uuid}.parts`), Buffer.alloc(SIZE, 0xaa));
    const storage = new MemoryStorage();
    const { checksum, size } = offer();
    const olderRecord = { name: uuid, checksum: checksum?.toLowerCase(), size, partSize: MiB };
    await storage.set(PARTS_STORAGE_KEY, JSON.stringify({ ...olderRecord, verified: [0, 1, 2, 3, 4, 5] }));
    const counted = counting();
    const ranges = newRanges();
    const r = await runJob(parts(storage, counted.hash), offer());
    expect(r.outcome).toEqual({ ok: true });
    expect(counted.count()).toBe(12); // six parts checked on disk and failed, then six downloaded
    expect(ranges()).toEqual([null]);
    expect(Buffer.compare(await installed(), fw)).toBe(0);
  });

  it(
    "ignores a record about other firmware",
    async () => {
      const storage = new MemoryStorage();
      await storage.set(
        PARTS_STORAGE_KEY,
        JSON.stringify({ name: "other", checksum: null, size: 1, partSize: MiB, verified: [0] }),
      );
      await stoppedWhileInstalling(parts(storage, nodeSha256, true));
      expect(JSON.parse(storage.data.get(PARTS_STORAGE_KEY) ?? "{}")).toMatchObject({
        name: uuid,
        verified: [0, 1, 2, 3, 4, 5],
      });
    },
    SEVERAL_JOBS_MS,
  );
});

describe.each(["caching", "parts"] as const)("%s strategy survives an agent restart mid-download", (kind) => {
  it("continues from what is on disk", async () => {
    h.hub.injectFault({ firmwareUuid: uuid }, { bytesPerSecond: 8 * MiB });
    let stop!: () => void;
    const halfway = new Promise<void>((r) => (stop = r));
    const first = startJob(make[kind](), offer(), {
      onProgress: (stage, p) => {
        if (stage === "downloading" && p >= 45) stop();
      },
    });
    await halfway;
    first.abort();
    const stopped = await first.done;
    expect(stopped.outcome).toEqual({
      ok: false,
      failure: { kind: "unexpected", message: "update stopped" },
    });
    h.hub.clearFaults();

    const ranges = newRanges();
    const second = await runJob(make[kind](), offer());
    expect(second.outcome).toEqual({ ok: true });
    const [range] = ranges();
    const resumedAt = Number(/^bytes=(\d+)-$/.exec(range ?? "")?.[1]);
    expect(resumedAt).toBeGreaterThanOrEqual(0.4 * SIZE);
    expect(Buffer.compare(await installed(), fw)).toBe(0);
  });
});

/** The stand-in fwup, recording the arguments it was started with. */
const recording = (argsFile: string) =>
  fwupInstaller({
    devpath: join(dir, "disk.img"),
    ...fakeFwup({ FAKE_FWUP_SIZE: String(SIZE), FAKE_FWUP_OUTPUT: output, FAKE_FWUP_ARGS_FILE: argsFile }),
  });

describe.each(["caching", "parts"] as const)("%s strategy install", (kind) => {
  it("hands fwup the file it verified (-i) instead of streaming it again", async () => {
    const argsFile = join(dir, "args.json");
    const deps = { downloader: downloader(), installer: recording(argsFile), cacheDir, hash };
    const strategy = kind === "caching" ? cachingStrategy(deps) : partsStrategy(deps);
    const r = await runJob(strategy, offer());
    expect(r.outcome).toEqual({ ok: true });
    const { argv } = JSON.parse(await readFile(argsFile, "utf8")) as { argv: string[] };
    const file = kind === "caching" ? `${uuid}.fw` : `${uuid}.parts`;
    expect(argv[argv.indexOf("-i") + 1]).toBe(join(cacheDir, CACHE_FOLDER, file));
    expect(Buffer.compare(await installed(), fw)).toBe(0);
    expect(r.progress.filter(([s]) => s === "updating").at(-1)).toEqual(["updating", 100]);
  });
});

describe("caching strategy install", () => {
  it("streams a file that changed after it was hashed, and checks it again", async () => {
    const argsFile = join(dir, "args.json");
    // The file is altered right after its hash was taken (as another writer might).
    let tampered = false;
    const tampering: Sha256Factory = () => {
      const h = nodeSha256();
      return {
        update: (b) => h.update(b),
        hexDigest: () => {
          const digest = h.hexDigest();
          if (tampered) return digest;
          tampered = true;
          const path = join(cacheDir, CACHE_FOLDER, `${uuid}.partial`);
          writeFileSync(path, Buffer.from([(fw[0] ?? 0) ^ 0xff]), { flag: "r+" }); // its first byte
          utimesSync(path, new Date(1_000_000), new Date(1_000_000));
          return digest;
        },
      };
    };
    const strategy = cachingStrategy({
      downloader: downloader(),
      installer: recording(argsFile),
      cacheDir,
      hash: tampering,
    });
    const r = await runJob(strategy, offer());
    expect(r.outcome).toEqual({ ok: false, failure: { kind: "update", term: "checksum_mismatch" } });
    const { argv } = JSON.parse(await readFile(argsFile, "utf8")) as { argv: string[] };
    expect(argv).not.toContain("-i");
  });
});

describe.each(["caching", "parts"] as const)("%s strategy in a directory shared with other files", (kind) => {
  it(
    "removes only what it wrote: after a 404, an install and another firmware",
    async () => {
      // A data directory's identity and state, and entries merely named like the cache's own.
      const foreign = [
        "cert.pem",
        "key.pem",
        "state.json",
        "other.fw",
        "other.partial",
        "dir/part-00001",
        `${CACHE_FOLDER}/notes.txt`,
        `${CACHE_FOLDER}/old.parts/notes.txt`,
      ];
      for (const f of foreign) {
        await mkdir(dirname(join(cacheDir, f)), { recursive: true });
        await writeFile(join(cacheDir, f), f);
      }
      h.hub.injectFault({ firmwareUuid: uuid }, { status: 404 });
      expect((await runJob(make[kind](), offer())).outcome.ok).toBe(false);
      h.hub.clearFaults();
      expect((await runJob(make[kind](), offer())).outcome).toEqual({ ok: true });
      const other = offer();
      await runJob(make[kind](), { ...other, firmware_meta: { ...other.firmware_meta, uuid: "another" } });
      for (const f of foreign) expect(await readFile(join(cacheDir, f), "utf8")).toBe(f);
    },
    SEVERAL_JOBS_MS,
  );
});

describe.each(["caching", "parts"] as const)("%s strategy: the downloaded firmware", (kind) => {
  const cached = () => readdir(join(cacheDir, CACHE_FOLDER));
  const storage = new MemoryStorage();
  const strategy = (installer: ReturnType<typeof fwupInstaller>) =>
    kind === "caching"
      ? cachingStrategy({ downloader: downloader(), installer, cacheDir, hash })
      : partsStrategy({ downloader: downloader(), installer, cacheDir, storage, hash });

  it("is removed once installed", async () => {
    expect((await runJob(strategy(installer()), offer())).outcome).toEqual({ ok: true });
    expect(await cached()).toEqual([]);
    expect(storage.data.has(PARTS_STORAGE_KEY)).toBe(false);
  });

  it("is removed once fwup refused it", async () => {
    const refusing = fwupInstaller({
      devpath: join(dir, "disk.img"),
      ...fakeFwup({ FAKE_FWUP_SIZE: String(SIZE), FAKE_FWUP_UNSIGNED: "1" }),
    });
    const r = await runJob(strategy(refusing), offer(), [btoa("k".repeat(32))]);
    expect(r.outcome).toMatchObject({ ok: false, failure: { kind: "fwup" } });
    expect(await cached()).toEqual([]);
    expect(storage.data.has(PARTS_STORAGE_KEY)).toBe(false);
  });
});

describe("stopping the agent", () => {
  it.each(["caching", "parts"] as const)(
    "stops a %s update stopped just as its download completes",
    async (kind) => {
      const deps = { downloader: downloader(), installer: stuckInstaller(), cacheDir, hash };
      // The stop comes before the install has begun (the strategy is between download and install).
      const job: { abort?: () => void } = {};
      const started = startJob(kind === "caching" ? cachingStrategy(deps) : partsStrategy(deps), offer(), {
        onProgress: (stage, p) => {
          if (stage === "downloading" && p === 100) job.abort?.();
        },
      });
      job.abort = started.abort;
      const r = await started.done;
      expect(r.outcome).toEqual({ ok: false, failure: { kind: "unexpected", message: "update stopped" } });
    },
  );

  it.each(["caching", "parts"] as const)("stops a %s install that fwup is not consuming", async (kind) => {
    const deps = { downloader: downloader(), installer: stuckInstaller(), cacheDir, hash };
    const r = await stoppedWhileInstalling(kind === "caching" ? cachingStrategy(deps) : partsStrategy(deps));
    expect(r.outcome).toEqual({ ok: false, failure: { kind: "unexpected", message: "update stopped" } });
    // What was downloaded stays for the restart.
    const kept = await readdir(join(cacheDir, CACHE_FOLDER));
    expect(kept).toEqual([kind === "caching" ? `${uuid}.fw` : `${uuid}.parts`]);
  });
});

describe("streaming strategy", () => {
  it("restarts from the first byte after an agent restart (nothing is kept)", async () => {
    const ranges = newRanges();
    await runJob(make.streaming(), offer());
    expect(ranges()).toEqual([null]);
  });

  it("reports fwup's refusal of unsigned firmware when keys are configured", async () => {
    const key = btoa("k".repeat(32));
    const strategy = streamingStrategy({
      downloader: downloader(),
      installer: fwupInstaller({
        devpath: join(dir, "disk.img"),
        ...fakeFwup({ FAKE_FWUP_SIZE: String(SIZE), FAKE_FWUP_UNSIGNED: "1" }),
      }),
      hash,
    });
    const r = await runJob(strategy, offer(), [key]);
    expect(r.outcome).toEqual({
      ok: false,
      failure: { kind: "fwup", message: "Expecting signed firmware archive." },
    });
  });

  it("verifies with the hub's upper-case checksum", () => {
    expect(offer().checksum).toBe(sha256Hex(fw).toUpperCase());
  });
});
