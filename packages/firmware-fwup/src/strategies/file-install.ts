// Installs a firmware file the caching or parts strategy verified on its way to disk.
import type { FirmwareInstaller, UpdateJob } from "@nerves-hub-ts/ports";
import type { Sha256Factory, UpdateOutcome } from "@nerves-hub-ts/update";
import { installsFromFile } from "../fwup-installer.js";
import { beginInstall } from "./begin-install.js";
import { type FileStamp, readChunks, unchangedSince } from "./cache-files.js";
import { installVerified } from "./verified-install.js";

export interface VerifiedFile {
  path: string;
  /** The file as it was when its SHA-256 was checked. */
  stamp: FileStamp;
  size: number | undefined;
  checksum: string | null;
  hash: Sha256Factory;
}

/**
 * Unchanged since it was hashed: no second hash and no hold-back, and fwup that reads files gets
 * the path (`-i`) and nothing but the end of its input. Changed: streamed and checked again.
 */
export async function installVerifiedFile(
  installer: FirmwareInstaller,
  job: UpdateJob,
  file: VerifiedFile,
): Promise<UpdateOutcome> {
  const { path, size, checksum } = file;
  const unchanged = await unchangedSince(path, file.stamp);
  const fromFile = unchanged && installsFromFile(installer);
  const session = beginInstall(installer, job, size, checksum, fromFile ? path : undefined);
  return installVerified(
    {
      chunks: fromFile ? nothing() : readChunks(path),
      session,
      size: fromFile ? undefined : size,
      checksum: unchanged ? null : checksum,
      hash: file.hash,
    },
    job.signal,
  );
}

async function* nothing(): AsyncGenerator<Uint8Array> {}
