// Resume bookkeeping for a part plan: which parts are verified, how many bytes of each are kept,
// how often each failed verification, and which byte ranges are still to fetch. A restart
// rebuilds it from disk (or from its JSON) and continues from the last verified bytes.
import type { Part, PartPlan } from "./part-plan.js";

/** A contiguous byte range to download, covering parts `first..last`. */
export interface Span {
  readonly first: number;
  readonly last: number;
  /** First byte to request (the first part's offset plus its kept bytes). */
  readonly start: number;
  /** Last byte to request, inclusive; null means "to the end of the file". */
  readonly end: number | null;
}

interface Entry {
  kept: number;
  verified: boolean;
  failures: number;
}

/** What a resume may keep of a part file found on disk. */
export type FileVerdict = "check" | "resume" | "discard";

/** Full size: hash it. Shorter: keep the bytes and resume inside. Longer or empty: start over. */
export function classifyPartFile(part: Part, bytesOnDisk: number): FileVerdict {
  if (bytesOnDisk <= 0) return "discard";
  if (part.length === null) return "resume";
  if (bytesOnDisk === part.length) return "check";
  return bytesOnDisk < part.length ? "resume" : "discard";
}

export class PartLedger {
  readonly #entries: Entry[];

  constructor(readonly plan: PartPlan) {
    this.#entries = plan.parts.map(() => ({ kept: 0, verified: false, failures: 0 }));
  }

  #entry(index: number): Entry {
    const e = this.#entries[index];
    if (!e) throw new RangeError(`no part ${index}`);
    return e;
  }

  part(index: number): Part {
    const p = this.plan.parts[index];
    if (!p) throw new RangeError(`no part ${index}`);
    return p;
  }

  kept(index: number): number {
    return this.#entry(index).kept;
  }

  isVerified(index: number): boolean {
    return this.#entry(index).verified;
  }

  failures(index: number): number {
    return this.#entry(index).failures;
  }

  /** Records that `bytes` bytes of the part are on disk (not yet verified). */
  keep(index: number, bytes: number): void {
    const e = this.#entry(index);
    const length = this.part(index).length;
    if (bytes < 0 || (length !== null && bytes > length))
      throw new RangeError(`part ${index} cannot hold ${bytes} bytes`);
    e.kept = bytes;
    e.verified = false;
  }

  /** The part's bytes matched its checksum (or it has none and is complete). */
  markVerified(index: number): void {
    const e = this.#entry(index);
    e.verified = true;
    const length = this.part(index).length;
    if (length !== null) e.kept = length;
  }

  /** The part failed verification: its bytes are dropped. Returns the failures so far. */
  markFailed(index: number): number {
    const e = this.#entry(index);
    e.kept = 0;
    e.verified = false;
    e.failures += 1;
    return e.failures;
  }

  /** Bytes kept across all parts (for `downloading` progress). */
  bytesKept(): number {
    return this.#entries.reduce((n, e) => n + e.kept, 0);
  }

  complete(): boolean {
    return this.#entries.every((e) => e.verified);
  }

  /**
   * The ranges still to fetch, at most `maxConcurrent` of them when runs can be split: contiguous
   * unverified parts form runs (a part with kept bytes starts a new run, since only a span's first
   * part resumes mid-way), then the longest run is halved until there are enough spans.
   */
  missingSpans(maxConcurrent = 1): Span[] {
    const runs: [number, number][] = [];
    this.#entries.forEach((e, i) => {
      if (e.verified) return;
      const current = runs.at(-1);
      if (current && current[1] === i - 1 && e.kept === 0) current[1] = i;
      else runs.push([i, i]);
    });
    const width = ([a, b]: [number, number]) => b - a + 1;
    while (runs.length < maxConcurrent) {
      const longest = runs.reduce(
        (best, run, i) => (width(run) > width(runs[best] ?? [0, -1]) ? i : best),
        0,
      );
      const run = runs[longest];
      if (!run || width(run) < 2) break;
      const [a, b] = run;
      const mid = a + Math.floor(width(run) / 2);
      runs.splice(longest, 1, [a, mid - 1], [mid, b]);
    }
    const lastIndex = this.plan.parts.length - 1;
    return runs.map(([first, last]) => {
      const lastPart = this.part(last);
      return {
        first,
        last,
        start: this.part(first).offset + this.kept(first),
        end: last === lastIndex || lastPart.length === null ? null : lastPart.offset + lastPart.length - 1,
      };
    });
  }

  /** Serialisable state, for a Storage-backed resume. */
  toJSON(): { kept: number[]; verified: number[] } {
    return {
      kept: this.#entries.map((e) => e.kept),
      verified: this.#entries.flatMap((e, i) => (e.verified ? [i] : [])),
    };
  }

  /** Restores a ledger from `toJSON` output; null when it does not fit the plan. */
  static fromJSON(plan: PartPlan, json: unknown): PartLedger | null {
    if (typeof json !== "object" || json === null) return null;
    const { kept, verified } = json as { kept?: unknown; verified?: unknown };
    if (!Array.isArray(kept) || !Array.isArray(verified) || kept.length !== plan.parts.length) return null;
    const ledger = new PartLedger(plan);
    try {
      kept.forEach((k, i) => {
        if (!Number.isSafeInteger(k)) throw new RangeError("bad kept");
        ledger.keep(i, k as number);
      });
      for (const i of verified) {
        if (!Number.isSafeInteger(i)) return null;
        ledger.markVerified(i as number);
      }
    } catch {
      return null;
    }
    return ledger;
  }
}
