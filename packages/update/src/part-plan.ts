// How a firmware file is cut into verifiable parts (device-client.md §4.6, PartsUpdater): one
// part per `partials_checksums` entry when the list fits the size, else one "whole file" part
// checked against `checksum` (or not at all, with a warning).

/** The hub's part size: 1 MiB (hub-server.md §4.1). */
export const PART_SIZE = 1_048_576;

export interface Part {
  readonly index: number;
  /** Offset of the part's first byte in the file. */
  readonly offset: number;
  /** Bytes in the part; null for a whole-file part of unknown size (runs to the end). */
  readonly length: number | null;
  /** Expected lower-case hex SHA-256, or null when nothing can verify it. */
  readonly sha256: string | null;
}

export interface PartPlan {
  readonly parts: readonly Part[];
  /** File size, when the hub sent one. */
  readonly size: number | null;
  /** Why the plan fell back to a single part, if it did. */
  readonly warning?: string;
}

export interface PlanInput {
  size?: number | null;
  checksum?: string | null;
  partialsChecksums?: readonly string[] | null;
  partSize?: number;
}

const HEX64 = /^[0-9a-fA-F]{64}$/;

/** Normalises a hex SHA-256 to lower case; null when it is not one. */
export function normalizeSha256(hex: string | null | undefined): string | null {
  return typeof hex === "string" && HEX64.test(hex) ? hex.toLowerCase() : null;
}

export function planParts(input: PlanInput): PartPlan {
  const partSize = input.partSize ?? PART_SIZE;
  if (!Number.isSafeInteger(partSize) || partSize <= 0)
    throw new RangeError("partSize must be a positive integer");
  const size = input.size ?? null;
  if (size !== null && (!Number.isSafeInteger(size) || size < 0))
    throw new RangeError("size must be a non-negative integer");
  const partials = input.partialsChecksums ?? [];
  const whole = (warning?: string): PartPlan => {
    const plan: PartPlan = {
      size,
      parts: [{ index: 0, offset: 0, length: size, sha256: normalizeSha256(input.checksum) }],
    };
    const note = normalizeSha256(input.checksum)
      ? warning
      : [warning, "no checksum: the download is not verified"].filter(Boolean).join("; ");
    return note ? { ...plan, warning: note } : plan;
  };
  if (partials.length === 0) return whole();
  const hashes = partials.map(normalizeSha256);
  if (hashes.some((h) => h === null))
    return whole("partials_checksums holds a value that is not hex SHA-256");
  if (size === null) return whole("no size: partials_checksums cannot be placed");
  const count = Math.max(1, Math.ceil(size / partSize));
  if (hashes.length !== count)
    return whole(`partials_checksums has ${hashes.length} entries, the size needs ${count}`);
  return {
    size,
    parts: hashes.map((sha256, index) => ({
      index,
      offset: index * partSize,
      length: Math.min(partSize, size - index * partSize),
      sha256,
    })),
  };
}
