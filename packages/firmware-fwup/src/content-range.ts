// `Content-Range: bytes <first>-<last>/<total|*>` (RFC 9110 §14.4), parsed strictly: a resumed
// download is only safe when the server says it sends exactly the bytes we asked for.

export interface ContentRange {
  first: number;
  /** Inclusive. */
  last: number;
  /** Whole file size; null when the server sent `*`. */
  total: number | null;
}

export function parseContentRange(header: string | undefined): ContentRange | null {
  if (header === undefined) return null;
  const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header.trim());
  if (!m) return null;
  const first = Number(m[1]);
  const last = Number(m[2]);
  const total = m[3] === "*" ? null : Number(m[3]);
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last) || last < first) return null;
  if (total !== null && (!Number.isSafeInteger(total) || last >= total)) return null;
  return { first, last, total };
}

/** The `Range` header for bytes `start..end` (inclusive), or none for a whole-file request. */
export function rangeHeader(start: number, end: number | undefined): string | undefined {
  if (start === 0 && end === undefined) return undefined;
  return `bytes=${start}-${end ?? ""}`;
}
