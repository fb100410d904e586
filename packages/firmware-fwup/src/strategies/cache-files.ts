// File helpers the caching and parts strategies share.
import { createReadStream } from "node:fs";
import { lstat, readdir, rm, rmdir, stat } from "node:fs/promises";
import { join } from "node:path";
import type { UpdateOffer } from "@nerves-hub-ts/ports";
import type { Sha256 } from "@nerves-hub-ts/update";

/** A file-system-safe name for this firmware: its uuid, else the URL's basename (no query). */
export function cacheName(offer: UpdateOffer): string {
  const raw = offer.firmware_meta.uuid ?? new URL(offer.firmware_url).pathname.split("/").pop() ?? "";
  const safe = raw.replace(/[^A-Za-z0-9_-]/g, "_");
  return safe === "" ? "firmware" : safe;
}

/** Size of a file, or 0 when it does not exist. */
export async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

/**
 * The folder, under the configured cache directory, that holds what the strategies write. Only
 * entries named like theirs are ever removed, so a cache directory shared with other files (by
 * mistake) loses none of them.
 */
export const CACHE_FOLDER = "nh-firmware-cache";
/** `<name>.partial` and `<name>.fw` (caching), `<name>.parts` (parts; a folder of part files in an older layout). */
const CACHE_ENTRY = /^[A-Za-z0-9_-]+\.(partial|fw|parts)$/;
const PART_FILE = /^part-\d{5,}$/;

export const cacheFolder = (cacheDir: string) => join(cacheDir, CACHE_FOLDER);

/** Removes the strategies' entries in `folder` that are not in `keep`; anything else stays. */
export async function removeStale(folder: string, keep: ReadonlySet<string>): Promise<void> {
  for (const name of await readdir(folder)) {
    if (!keep.has(name) && CACHE_ENTRY.test(name)) await removeEntry(join(folder, name));
  }
}

/** Removes one cache file, or an older layout's parts folder: its part files, then the folder when nothing else is in it. */
export async function removeEntry(path: string): Promise<void> {
  const info = await lstat(path).catch(() => undefined);
  if (info?.isFile()) await rm(path, { force: true });
  else if (info?.isDirectory()) {
    for (const name of await readdir(path)) {
      if (PART_FILE.test(name)) await rm(join(path, name), { force: true });
    }
    await rmdir(path).catch(() => undefined); // not empty: what is left is not ours
  }
}

/** Reads a file in large chunks (optionally from an offset), for hashing or installing. */
export function readChunks(path: string, start = 0): AsyncIterable<Buffer> {
  return createReadStream(path, { start, highWaterMark: 1024 * 1024 });
}

/** What identifies a file's contents without reading them: a write or a replacement changes it. */
export interface FileStamp {
  dev: bigint;
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
}

export async function fileStamp(path: string): Promise<FileStamp> {
  const s = await stat(path, { bigint: true });
  return { dev: s.dev, ino: s.ino, size: s.size, mtimeNs: s.mtimeNs };
}

/** True when the file at `path` still has the stamp taken when its bytes were hashed. */
export async function unchangedSince(path: string, stamp: FileStamp): Promise<boolean> {
  const now = await fileStamp(path).catch(() => undefined);
  return (
    now !== undefined &&
    now.dev === stamp.dev &&
    now.ino === stamp.ino &&
    now.size === stamp.size &&
    now.mtimeNs === stamp.mtimeNs
  );
}

/** Feeds `bytes` bytes of a file (all of it when not given), from byte `from`, into a hash. */
export async function hashFile(path: string, hash: Sha256, bytes?: number, from = 0): Promise<void> {
  if (bytes === 0) return;
  const stream = createReadStream(path, {
    highWaterMark: 1024 * 1024,
    start: from,
    ...(bytes !== undefined ? { end: from + bytes - 1 } : {}),
  });
  for await (const chunk of stream) hash.update(chunk as Buffer);
}

/** True for the HTTP statuses after which upstream wipes its cache: the file is gone or changed. */
export function isGoneStatus(e: unknown): boolean {
  const failure = (e as { failure?: { kind: string; term: unknown } }).failure;
  const term = failure?.kind === "download" ? failure.term : undefined;
  return Array.isArray(term) && term[0] === "http_error" && (term[1] === 404 || term[1] === 416);
}
