// PartsUpdater: the file is fetched as 1 MiB parts, each stored as `part-NNNNN` under
// `<cacheDir>/nh-firmware-cache/<firmware>.parts/` and checked against its `partials_checksums`
// entry as it arrives.
// A restart (or a cut) resumes from the verified parts and inside a partly written one; a part
// that fails its hash is fetched again, up to `maxPartAttempts` times. Once every part is
// verified the parts are read back in order into the installer, with the whole-file SHA-256
// checked on the way (device-client.md §4.6), and removed once installed or refused.
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type {
  Downloader,
  FirmwareInstaller,
  Logger,
  Storage,
  UpdateJob,
  UpdateStrategy,
} from "@nerves-hub-ts/ports";
import { silentLogger } from "@nerves-hub-ts/ports";
import {
  classifyPartFile,
  Failure,
  normalizeSha256,
  PART_SIZE,
  PartLedger,
  PartSplitter,
  planParts,
  type Sha256,
  type Sha256Factory,
  type Span,
  UpdateError,
} from "@nerves-hub-ts/update";
import { type OpenWritableFile, openNodeFile, type WritableFile } from "../writable-file.js";
import { beginInstall } from "./begin-install.js";
import {
  cacheFolder,
  cacheName,
  hashFile,
  isGoneStatus,
  readChunks,
  removeEntry,
  removeParts,
  removeStale,
  sizeOf,
} from "./cache-files.js";
import { installVerified, outcomeOf } from "./verified-install.js";

export interface PartsStrategyOptions {
  downloader: Downloader;
  installer: FirmwareInstaller;
  /** Default upstream: /data/nerves_hub_link/firmware. */
  cacheDir: string;
  /** Default 1 MiB, the size the hub's `partials_checksums` cover. */
  partSize?: number;
  /** Hash failures of one part before the update fails. Default 3. */
  maxPartAttempts?: number;
  /** Ranges fetched at once. Default 1. */
  maxConcurrentParts?: number;
  /** Verifies the firmware: `nodeSha256` from @nerves-hub-ts/platform-node on Node, or `pureSha256`. */
  hash: Sha256Factory;
  logger?: Logger;
  /**
   * Remembers which parts were verified, so a restart trusts them (when their files still have the
   * right size) instead of hashing every part again; the whole-file checksum is still checked.
   */
  storage?: Storage;
  /** How parts are written; default the local file system. */
  openFile?: OpenWritableFile;
}

/** The Storage key of the verified-parts record. */
export const PARTS_STORAGE_KEY = "firmware-fwup.parts";

/** What the record says: whose parts these are, and which are verified. */
interface PartsRecord {
  name: string;
  checksum: string | null;
  size: number | null;
  partSize: number;
  verified: number[];
}

const partFile = (index: number) => `part-${String(index).padStart(5, "0")}`;

export function partsStrategy(options: PartsStrategyOptions): UpdateStrategy {
  const hashFactory = options.hash;
  const log = options.logger ?? silentLogger;
  const maxAttempts = options.maxPartAttempts ?? 3;
  return {
    name: "parts",
    run: async (job) => {
      const { offer } = job;
      const plan = planParts({
        size: offer.size ?? null,
        checksum: offer.checksum ?? null,
        partialsChecksums: offer.partials_checksums ?? [],
        partSize: options.partSize ?? PART_SIZE,
      });
      if (plan.warning) log.warn("parts plan fallback", { reason: plan.warning });
      const name = cacheName(offer);
      const folder = cacheFolder(options.cacheDir);
      const dir = join(folder, `${name}.parts`);
      const identity = {
        name,
        checksum: normalizeSha256(offer.checksum),
        size: offer.size ?? null,
        partSize: options.partSize ?? PART_SIZE,
      };
      const { storage } = options;
      // Saves are chained so concurrent spans never write an older record over a newer one.
      let saving = Promise.resolve();
      const save = () => {
        saving = saving.then(() =>
          storage?.set(
            PARTS_STORAGE_KEY,
            JSON.stringify({ ...identity, verified: ledger.toJSON().verified }),
          ),
        );
        return saving;
      };
      const path = (i: number) => join(dir, partFile(i));
      const ledger = new PartLedger(plan);
      // Stops the other spans when one fails for good.
      const stopAll = new AbortController();
      const signal = AbortSignal.any([job.signal, stopAll.signal]);
      try {
        await mkdir(dir, { recursive: true });
        await removeStale(folder, new Set([`${name}.parts`]));
        await removeParts(dir, new Set(plan.parts.map((p) => partFile(p.index))));
        await scan(ledger, path, hashFactory, await recordedParts(storage, identity));
        await save();
        const report = () => {
          if (plan.size) job.onProgress("downloading", (ledger.bytesKept() / plan.size) * 100);
        };
        report();
        const queue = ledger.missingSpans(options.maxConcurrentParts ?? 1);
        const worker = async () => {
          for (let span = queue.shift(); span; span = queue.shift()) {
            await fetchSpan(span, {
              job,
              ledger,
              path,
              hashFactory,
              maxAttempts,
              downloader: options.downloader,
              signal,
              report,
              log,
              save,
              openFile: options.openFile ?? openNodeFile,
            });
          }
        };
        const workers = Array.from({ length: Math.max(1, options.maxConcurrentParts ?? 1) }, worker);
        const results = await Promise.allSettled(workers);
        const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
        if (failed) throw failed.reason;
        if (!ledger.complete()) throw new UpdateError(Failure.download("incomplete_download"));
        job.onProgress("downloading", 100);
      } catch (e) {
        stopAll.abort(e);
        if (isGoneStatus(e)) await removeEntry(dir).catch(() => undefined);
        return outcomeOf(e, job.signal);
      }
      const checksum = normalizeSha256(offer.checksum);
      const session = beginInstall(options.installer, job, offer.size, checksum);
      async function* partsInOrder() {
        for (const p of plan.parts) yield* readChunks(path(p.index));
      }
      const outcome = await installVerified(
        { chunks: partsInOrder(), session, size: offer.size, checksum, hash: hashFactory },
        job.signal,
      );
      // Installed, refused, or every part matched yet the whole did not: the parts serve no resume
      // and the next attempt starts clean. A stopped install keeps them for the restart.
      if (!job.signal.aborted) {
        await removeEntry(dir).catch(() => undefined);
        await storage?.delete(PARTS_STORAGE_KEY).catch(() => undefined);
      }
      return outcome;
    },
  };
}

/** Parts a stored record vouches for, when the record is about this very firmware. */
async function recordedParts(
  storage: Storage | undefined,
  identity: Omit<PartsRecord, "verified">,
): Promise<Set<number>> {
  const raw = await storage?.get(PARTS_STORAGE_KEY);
  if (!raw) return new Set();
  try {
    const r = JSON.parse(raw) as PartsRecord;
    const same =
      r.name === identity.name &&
      r.checksum === identity.checksum &&
      r.size === identity.size &&
      r.partSize === identity.partSize &&
      Array.isArray(r.verified);
    return same ? new Set(r.verified.filter((i) => Number.isSafeInteger(i))) : new Set();
  } catch {
    return new Set();
  }
}

/** Rebuilds the ledger from the part files on disk: verified, resumable or discarded. */
async function scan(
  ledger: PartLedger,
  path: (i: number) => string,
  hashFactory: Sha256Factory,
  trusted: ReadonlySet<number>,
): Promise<void> {
  for (const part of ledger.plan.parts) {
    const bytes = await sizeOf(path(part.index));
    const verdict = classifyPartFile(part, bytes);
    if (verdict === "discard") await rm(path(part.index), { force: true });
    else if (verdict === "resume") ledger.keep(part.index, bytes);
    else if (trusted.has(part.index)) ledger.markVerified(part.index);
    else {
      const h = hashFactory();
      await hashFile(path(part.index), h);
      if (part.sha256 === null || h.hexDigest() === part.sha256) ledger.markVerified(part.index);
      else await rm(path(part.index), { force: true });
    }
  }
}

interface SpanContext {
  job: UpdateJob;
  ledger: PartLedger;
  path: (i: number) => string;
  hashFactory: Sha256Factory;
  maxAttempts: number;
  downloader: Downloader;
  signal: AbortSignal;
  report: () => void;
  log: Logger;
  /** Persists the ledger's verified parts. */
  save: () => Promise<void>;
  openFile: OpenWritableFile;
}

/** The part being written: its file and its running hash. */
interface OpenPart {
  index: number;
  file: WritableFile;
  hash: Sha256;
}

/** Downloads one span; restarts from a part that fails its hash until it passes or runs out of attempts. */
async function fetchSpan(span: Span, ctx: SpanContext): Promise<void> {
  const { ledger } = ctx;
  let first = span.first;
  while (first <= span.last && !ledger.isVerified(first)) {
    const start = ledger.part(first).offset + ledger.kept(first);
    const restartAt = await fetchRange(start, span, ctx);
    if (restartAt === undefined) return;
    first = restartAt;
  }
}

/** One connection's worth of a span. Returns the part to restart from after a bad hash, or undefined when done. */
async function fetchRange(start: number, span: Span, ctx: SpanContext): Promise<number | undefined> {
  const { ledger, job } = ctx;
  const splitter = new PartSplitter(ledger.plan, start);
  let current: OpenPart | undefined;
  const openPart = async (index: number, at: number): Promise<OpenPart> => {
    const hash = ctx.hashFactory();
    if (at > 0) await hashFile(ctx.path(index), hash, at);
    const file = await ctx.openFile(ctx.path(index), at > 0 ? "r+" : "w");
    return { index, file, hash };
  };
  const seal = async (part: OpenPart): Promise<boolean> => {
    await part.file.close();
    const expected = ledger.part(part.index).sha256;
    if (expected === null || part.hash.hexDigest() === expected) {
      ledger.markVerified(part.index);
      await ctx.save();
      return true;
    }
    await rm(ctx.path(part.index), { force: true });
    const failures = ledger.markFailed(part.index);
    ctx.log.warn("firmware part failed verification", { part: part.index, failures });
    if (failures >= ctx.maxAttempts)
      throw new UpdateError(Failure.update(["part_verification_failed", part.index]));
    return false;
  };
  try {
    for await (const chunk of ctx.downloader.download({
      url: job.offer.firmware_url,
      offset: start,
      ...(span.end !== null ? { end: span.end } : {}),
      ...(ledger.plan.size !== null ? { totalSize: ledger.plan.size } : {}),
      signal: ctx.signal,
      onConnection: (c) => job.onConnection(c),
    })) {
      for (const piece of splitter.split(chunk)) {
        if (piece.index > span.last) throw new UpdateError(Failure.download("unexpected_data"));
        if (current?.index !== piece.index) current = await openPart(piece.index, piece.at);
        current.hash.update(piece.bytes);
        await current.file.write(piece.bytes, piece.at);
        ledger.keep(piece.index, piece.at + piece.bytes.length);
        if (piece.seals) {
          const part = current;
          current = undefined;
          if (!(await seal(part))) return part.index; // drop this connection, refetch the part
        }
      }
      ctx.report();
    }
    // An open-ended whole-file part (size unknown) ends with the body.
    if (current && ledger.part(current.index).length === null) {
      const part = current;
      current = undefined;
      if (!(await seal(part))) return part.index;
    }
    return undefined;
  } finally {
    await current?.file.close().catch(() => undefined);
  }
}
