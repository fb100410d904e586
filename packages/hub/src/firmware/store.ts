// Firmware images the hub serves: kept as bytes or as a file path, hashed once when added.
import { createHash, randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";

/** Size of the chunks `partials_checksums` covers (hub-server.md §4.1). */
export const PART_SIZE = 1024 * 1024;

/** Target firmware metadata, the `firmware_meta` of an `update` (no `fwup_version`, as upstream). */
export interface FirmwareMeta {
  uuid: string;
  product: string | null;
  version: string | null;
  platform: string | null;
  architecture: string | null;
  author: string | null;
  description: string | null;
  vcs_identifier: string | null;
  misc: string | null;
}

export type FirmwareMetaInput = Partial<FirmwareMeta>;

export type FirmwareSource = { kind: "bytes"; bytes: Uint8Array } | { kind: "file"; path: string };

export interface FirmwareRecord {
  uuid: string;
  size: number;
  /** SHA-256 of the whole file, upper-case hex. */
  checksum: string;
  /** SHA-256 of each consecutive 1 MiB part, upper-case hex. */
  partialsChecksums: string[];
  meta: FirmwareMeta;
  source: FirmwareSource;
  uploadedAt: number;
}

/** Bad input to `addFirmware`. */
export class HubFirmwareError extends Error {
  override readonly name = "HubFirmwareError";
}

/** Hashes the stream once: the whole-file digest and the per-MiB digests together. */
class Digests {
  readonly #whole = createHash("sha256");
  #part = createHash("sha256");
  #partFill = 0;
  readonly parts: string[] = [];
  size = 0;

  update(chunk: Uint8Array): void {
    this.#whole.update(chunk);
    this.size += chunk.length;
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(PART_SIZE - this.#partFill, chunk.length - offset);
      this.#part.update(chunk.subarray(offset, offset + take));
      this.#partFill += take;
      offset += take;
      if (this.#partFill === PART_SIZE) this.#closePart();
    }
  }

  #closePart(): void {
    this.parts.push(this.#part.digest("hex").toUpperCase());
    this.#part = createHash("sha256");
    this.#partFill = 0;
  }

  finish(): { checksum: string; partialsChecksums: string[] } {
    if (this.#partFill > 0) this.#closePart();
    return { checksum: this.#whole.digest("hex").toUpperCase(), partialsChecksums: this.parts };
  }
}

export class FirmwareStore {
  readonly #byUuid = new Map<string, FirmwareRecord>();

  /** Adds firmware from bytes or from a file path (streamed, never read whole into memory). */
  async add(
    source: Uint8Array | string,
    metaInput: FirmwareMetaInput,
    nowMs: number,
  ): Promise<FirmwareRecord> {
    const uuid = metaInput.uuid ?? randomUUID();
    if (!/^[A-Za-z0-9._-]+$/.test(uuid))
      throw new HubFirmwareError(`firmware uuid ${JSON.stringify(uuid)} is not URL-safe`);
    const digests = new Digests();
    let stored: FirmwareSource;
    if (typeof source === "string") {
      const info = await stat(source).catch((cause) => {
        throw new HubFirmwareError(`cannot read firmware file ${source}`, { cause });
      });
      if (!info.isFile()) throw new HubFirmwareError(`${source} is not a file`);
      for await (const chunk of createReadStream(source, { highWaterMark: PART_SIZE }))
        digests.update(chunk as Buffer);
      stored = { kind: "file", path: source };
    } else if (source instanceof Uint8Array) {
      // Hashing costs about 1 ms per MiB: yield between parts so a large image does not stall
      // every device socket (heartbeats, joins, accepts) for the whole upload.
      for (let at = 0; at < source.length; at += PART_SIZE) {
        digests.update(source.subarray(at, at + PART_SIZE));
        await new Promise((resolve) => setImmediate(resolve));
      }
      stored = { kind: "bytes", bytes: source };
    } else {
      throw new HubFirmwareError("addFirmware takes a Uint8Array or a file path");
    }
    const meta: FirmwareMeta = {
      uuid,
      product: metaInput.product ?? null,
      version: metaInput.version ?? null,
      platform: metaInput.platform ?? null,
      architecture: metaInput.architecture ?? null,
      author: metaInput.author ?? null,
      description: metaInput.description ?? null,
      vcs_identifier: metaInput.vcs_identifier ?? null,
      misc: metaInput.misc ?? null,
    };
    const record: FirmwareRecord = {
      uuid,
      size: digests.size,
      ...digests.finish(),
      meta,
      source: stored,
      uploadedAt: nowMs,
    };
    this.#byUuid.set(uuid, record);
    return record;
  }

  get(uuid: string): FirmwareRecord | undefined {
    return this.#byUuid.get(uuid);
  }

  all(): FirmwareRecord[] {
    return [...this.#byUuid.values()];
  }
}
