// PartsUpdater: the file is fetched as 1 MiB parts, each written at its offset into one file,
// `<cacheDir>/nh-firmware-cache/<firmware>.parts`, and checked against its `partials_checksums`
// entry as it arrives. Meanwhile a worker thread hashes the file's verified prefix, so the
// whole-file SHA-256 (device-client.md §4.6) is known when the last part is in; then fwup reads the
// file itself (`-i`), as with the caching strategy.
// A restart (or a cut) resumes from the verified parts and inside the part the file ends in; a part
// that fails its hash is fetched again, up to `maxPartAttempts` times. The file is removed once
// installed or refused; a stopped update keeps it for the restart.
import { lstat, mkdir, truncate } from "node:fs/promises";
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
  Failure,
  normalizeSha256,
  PART_SIZE,
  type Part,
  PartLedger,
  PartSplitter,
  planParts,
  type Sha256,
  type Sha256Factory,
  type Span,
  UpdateError,
} from "@nerves-hub-ts/update";
import { type OpenWritableFile, openNodeFile, type WritableFile } from "../writable-file.js";
import {
  cacheFolder,
  cacheName,
  type FileStamp,
  fileStamp,
  hashFile,
  isGoneStatus,
  removeEntry,
  removeStale,
  sizeOf,
} from "./cache-files.js";
import { installVerifiedFile } from "./file-install.js";
import { prefixHasher } from "./prefix-hasher.js";
import { outcomeOf } from "./verified-install.js";

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
  /** Hashes each part (`nodeSha256` from @nerves-hub-ts/platform-node on Node, or `pureSha256`); the
   * whole-file SHA-256 is node:crypto's, in a worker thread. */
  hash: Sha256Factory;
  logger?: Logger;
  /**
   * Remembers which parts were verified, so a restart trusts them (when the file still holds them)
   * instead of hashing every part again; the whole-file checksum is still checked.
   */
  storage?: Storage;
  /** How the parts are written; default the local file system. */
  openFile?: OpenWritableFile;
}

/** The Storage key of the verified-parts record. */
export const PARTS_STORAGE_KEY = "firmware-fwup.parts";
/** The layout a record is about; a record without it describes an older folder of part files. */
const LAYOUT = "one-file";

/** What the record says: whose parts these are, and which are verified. */
interface PartsRecord {
  layout: typeof LAYOUT;
  name: string;
  checksum: string | null;
  size: number | null;
  partSize: number;
  verified: number[];
}

export function partsStrategy(options: PartsStrategyOptions): UpdateStrategy {
  const hashFactory = options.hash;
  const log = options.logger ?? silentLogger;
  const maxAttempts = options.maxPartAttempts ?? 3;
  const openFile = options.openFile ?? openNodeFile;
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
      const file = join(folder, `${name}.parts`);
      const checksum = normalizeSha256(offer.checksum);
      const identity = {
        layout: LAYOUT,
        name,
        checksum,
        size: offer.size ?? null,
        partSize: options.partSize ?? PART_SIZE,
      } as const;
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
      const discard = async () => {
        await removeEntry(file).catch(() => undefined);
        await storage?.delete(PARTS_STORAGE_KEY).catch(() => undefined);
      };
      const ledger = new PartLedger(plan);
      // Nothing to check the whole file against without a checksum.
      const whole = checksum === null ? undefined : await prefixHasher(file);
      const hashVerifiedPrefix = () => whole?.hashTo(verifiedPrefix(ledger));
      // Stops the other spans when one fails for good.
      const stopAll = new AbortController();
      const signal = AbortSignal.any([job.signal, stopAll.signal]);
      let stamp: FileStamp;
      try {
        await mkdir(folder, { recursive: true });
        await removeStale(folder, new Set([`${name}.parts`]));
        await createFile(file, openFile);
        await scan(ledger, file, hashFactory, await recordedParts(storage, identity));
        await save();
        hashVerifiedPrefix();
        const report = () => {
          if (plan.size) job.onProgress("downloading", (ledger.bytesKept() / plan.size) * 100);
        };
        report();
        const queue = ledger.missingSpans(options.maxConcurrentParts ?? 1);
        const ctx: SpanContext = {
          job,
          ledger,
          file,
          hashFactory,
          maxAttempts,
          downloader: options.downloader,
          signal,
          report,
          log,
          onVerified: () => {
            hashVerifiedPrefix();
            return save();
          },
          openFile,
        };
        const fetcher = async () => {
          for (let span = queue.shift(); span; span = queue.shift()) await fetchSpan(span, ctx);
        };
        const fetchers = Array.from({ length: Math.max(1, options.maxConcurrentParts ?? 1) }, fetcher);
        const results = await Promise.allSettled(fetchers);
        const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
        if (failed) throw failed.reason;
        if (!ledger.complete()) throw new UpdateError(Failure.download("incomplete_download"));
        job.onProgress("downloading", 100);
        stamp = await fileStamp(file);
        // Every part matched yet the whole does not: the parts serve no resume.
        if (whole && (await whole.digest(Number(stamp.size), job.signal)) !== checksum) {
          await discard();
          return { ok: false, failure: Failure.update("checksum_mismatch") };
        }
      } catch (e) {
        stopAll.abort(e);
        if (isGoneStatus(e)) await discard();
        return outcomeOf(e, job.signal);
      } finally {
        await whole?.close();
      }
      const outcome = await installVerifiedFile(options.installer, job, {
        path: file,
        stamp,
        size: offer.size,
        checksum,
        hash: hashFactory,
      });
      // Installed or refused: the file serves no resume. A stopped install keeps it for the restart.
      if (!job.signal.aborted) await discard();
      return outcome;
    },
  };
}

/** Bytes from the file's start up to the first part not yet verified. */
function verifiedPrefix(ledger: PartLedger): number {
  let end = 0;
  for (const part of ledger.plan.parts) {
    if (!ledger.isVerified(part.index) || part.length === null) break;
    end = part.offset + part.length;
  }
  return end;
}

/** Makes sure the parts file exists; an older layout's folder of part files at its path goes first. */
async function createFile(file: string, openFile: OpenWritableFile): Promise<void> {
  const info = await lstat(file).catch(() => undefined);
  if (info?.isFile()) return;
  if (info?.isDirectory()) await removeEntry(file);
  await (await openFile(file, "w")).close();
}

/** Parts a stored record vouches for, when the record is about this very firmware and layout. */
async function recordedParts(
  storage: Storage | undefined,
  identity: Omit<PartsRecord, "verified">,
): Promise<Set<number>> {
  const raw = await storage?.get(PARTS_STORAGE_KEY);
  if (!raw) return new Set();
  try {
    const r = JSON.parse(raw) as Partial<PartsRecord>;
    const same =
      r.layout === identity.layout &&
      r.name === identity.name &&
      r.checksum === identity.checksum &&
      r.size === identity.size &&
      r.partSize === identity.partSize &&
      Array.isArray(r.verified);
    return same ? new Set(r.verified?.filter((i) => Number.isSafeInteger(i))) : new Set();
  } catch {
    return new Set();
  }
}

/**
 * Rebuilds the ledger from the file: each part it holds whole is verified (trusted from the record,
 * else hashed), and the part it ends inside keeps its bytes to resume from. A file longer than the
 * firmware is not this download's: it starts over.
 */
async function scan(
  ledger: PartLedger,
  file: string,
  hashFactory: Sha256Factory,
  trusted: ReadonlySet<number>,
): Promise<void> {
  let bytes = await sizeOf(file);
  const { size } = ledger.plan;
  if (size !== null && bytes > size) {
    await truncate(file, 0);
    bytes = 0;
  }
  for (const part of ledger.plan.parts) {
    const end = part.length === null ? null : part.offset + part.length;
    if (end !== null && end <= bytes) {
      if (trusted.has(part.index) || (await partMatches(file, part, hashFactory)))
        ledger.markVerified(part.index);
    } else if (part.offset < bytes) ledger.keep(part.index, bytes - part.offset);
  }
}

async function partMatches(file: string, part: Part, hashFactory: Sha256Factory): Promise<boolean> {
  if (part.sha256 === null) return true;
  const h = hashFactory();
  await hashFile(file, h, part.length ?? undefined, part.offset);
  return h.hexDigest() === part.sha256;
}

interface SpanContext {
  job: UpdateJob;
  ledger: PartLedger;
  file: string;
  hashFactory: Sha256Factory;
  maxAttempts: number;
  downloader: Downloader;
  signal: AbortSignal;
  report: () => void;
  log: Logger;
  /** A part was verified: hashes the whole file further and persists the ledger's verified parts. */
  onVerified: () => Promise<void>;
  openFile: OpenWritableFile;
}

/** The part being written and its running hash. */
interface OpenPart {
  index: number;
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
  let out: WritableFile | undefined;
  let current: OpenPart | undefined;
  const openPart = async (index: number, at: number): Promise<OpenPart> => {
    const hash = ctx.hashFactory();
    if (at > 0) await hashFile(ctx.file, hash, at, ledger.part(index).offset);
    return { index, hash };
  };
  const seal = async (part: OpenPart): Promise<boolean> => {
    const expected = ledger.part(part.index).sha256;
    if (expected === null || part.hash.hexDigest() === expected) {
      ledger.markVerified(part.index);
      await ctx.onVerified();
      return true;
    }
    // Its bytes stay in the file until the refetch writes over them; the ledger no longer counts them.
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
      out ??= await ctx.openFile(ctx.file, "r+");
      for (const piece of splitter.split(chunk)) {
        if (piece.index > span.last) throw new UpdateError(Failure.download("unexpected_data"));
        if (current?.index !== piece.index) current = await openPart(piece.index, piece.at);
        current.hash.update(piece.bytes);
        await out.write(piece.bytes, ledger.part(piece.index).offset + piece.at);
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
    const done = out;
    out = undefined;
    await done?.close();
    return undefined;
  } finally {
    await out?.close().catch(() => undefined);
  }
}
