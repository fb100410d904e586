// CachingUpdater: download to `<cacheDir>/nh-firmware-cache/<name>.partial` (resuming from its size
// after a cut or an agent restart), verify size and SHA-256, rename to `.fw`, then install from the
// file, which is removed once installed or refused (a stopped install keeps it for the restart).
// Like upstream, fwup gets the file itself (`-i`) when the installer can read files and the file is
// unchanged since it was hashed (same inode, size and mtime); otherwise it is streamed through the
// installer port, and hashed again if it changed.
import { mkdir, rename, rm, truncate } from "node:fs/promises";
import { join } from "node:path";
import type { Downloader, FirmwareInstaller, Logger, UpdateStrategy } from "@nerves-hub-ts/ports";
import { silentLogger } from "@nerves-hub-ts/ports";
import { Failure, normalizeSha256, type Sha256Factory, UpdateError } from "@nerves-hub-ts/update";
import { type OpenWritableFile, openNodeFile } from "../writable-file.js";
import {
  cacheFolder,
  cacheName,
  type FileStamp,
  fileStamp,
  hashFile,
  isGoneStatus,
  removeStale,
  sizeOf,
} from "./cache-files.js";
import { installVerifiedFile } from "./file-install.js";
import { outcomeOf } from "./verified-install.js";

export interface CachingStrategyOptions {
  downloader: Downloader;
  installer: FirmwareInstaller;
  /** Default upstream: /data/nerves_hub_link/firmware. */
  cacheDir: string;
  /** Verifies the firmware: `nodeSha256` from @nerves-hub-ts/platform-node on Node, or `pureSha256`. */
  hash: Sha256Factory;
  logger?: Logger;
  /** How the download is written; default the local file system. */
  openFile?: OpenWritableFile;
}

export function cachingStrategy(options: CachingStrategyOptions): UpdateStrategy {
  const hashFactory = options.hash;
  const log = options.logger ?? silentLogger;
  return {
    name: "caching",
    run: async (job) => {
      const { offer, signal } = job;
      const dir = cacheFolder(options.cacheDir);
      const name = cacheName(offer);
      const partial = join(dir, `${name}.partial`);
      const finished = join(dir, `${name}.fw`);
      const size = offer.size;
      const checksum = normalizeSha256(offer.checksum);
      /** The file as it was when its hash was made. */
      let stamp: FileStamp;
      try {
        await mkdir(dir, { recursive: true });
        await removeStale(dir, new Set([`${name}.partial`, `${name}.fw`]));
        const hash = hashFactory();
        let have = await sizeOf(finished);
        const cached = have > 0 && (size === undefined || have === size);
        if (cached) {
          stamp = await fileStamp(finished);
          await hashFile(finished, hash);
          job.onProgress("downloading", 100);
        } else {
          await rm(finished, { force: true });
          have = await sizeOf(partial);
          if (size !== undefined && have > size) {
            await truncate(partial, 0);
            have = 0;
          }
          if (have > 0) log.info("resuming cached firmware download", { offset: have });
          await hashFile(partial, hash, have);
          const file = { open: options.openFile ?? openNodeFile, path: partial };
          await download(job, options.downloader, file, have, size, hash);
          stamp = await fileStamp(partial);
          job.onProgress("downloading", 100);
        }
        const got = await sizeOf(cached ? finished : partial);
        if ((size !== undefined && got !== size) || (checksum !== null && hash.hexDigest() !== checksum)) {
          await rm(cached ? finished : partial, { force: true });
          return {
            ok: false,
            failure: Failure.update(
              size !== undefined && got !== size ? "incomplete_download" : "checksum_mismatch",
            ),
          };
        }
        if (!cached) await rename(partial, finished);
      } catch (e) {
        if (isGoneStatus(e)) await removeStale(dir, new Set()).catch(() => undefined);
        return outcomeOf(e, signal);
      }
      const outcome = await installVerifiedFile(options.installer, job, {
        path: finished,
        stamp,
        size,
        checksum,
        hash: hashFactory,
      });
      if (!signal.aborted) await rm(finished, { force: true }).catch(() => undefined);
      return outcome;
    },
  };
}

/** Appends the download to the file from `offset`, hashing it and reporting `downloading` progress. */
async function download(
  job: Parameters<UpdateStrategy["run"]>[0],
  downloader: Downloader,
  file: { open: OpenWritableFile; path: string },
  offset: number,
  size: number | undefined,
  hash: ReturnType<Sha256Factory>,
): Promise<void> {
  if (size !== undefined && offset === size) return;
  const out = await file.open(file.path, offset > 0 ? "a" : "w");
  let at = offset;
  try {
    for await (const chunk of downloader.download({
      url: job.offer.firmware_url,
      offset,
      ...(size !== undefined ? { totalSize: size } : {}),
      signal: job.signal,
      onConnection: (c) => job.onConnection(c),
    })) {
      hash.update(chunk);
      at += chunk.length;
      await out.write(chunk);
      if (size) job.onProgress("downloading", (at / size) * 100);
    }
  } catch (e) {
    await out.close().catch(() => undefined);
    throw e;
  }
  await out.close();
  if (size !== undefined && at !== size) throw new UpdateError(Failure.download("incomplete_download"));
}
