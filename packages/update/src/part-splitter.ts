// Cuts a byte stream that starts at some file offset into per-part pieces, so each part can be
// written to its own file and hashed as it arrives, and sealed exactly at its boundary.
import type { PartPlan } from "./part-plan.js";

export interface Piece {
  readonly index: number;
  /** Offset of `bytes` inside the part. */
  readonly at: number;
  readonly bytes: Uint8Array;
  /** True when this piece ends the part. */
  readonly seals: boolean;
}

export class PartSplitter {
  #position: number;
  #index: number;

  /** `start` is the file offset of the first byte that will be fed. */
  constructor(
    readonly plan: PartPlan,
    start: number,
  ) {
    this.#position = start;
    this.#index = plan.parts.findIndex((p) => p.length === null || start < p.offset + p.length);
  }

  /** File offset of the next byte expected. */
  get position(): number {
    return this.#position;
  }

  split(chunk: Uint8Array): Piece[] {
    const pieces: Piece[] = [];
    let used = 0;
    while (used < chunk.length) {
      const part = this.plan.parts[this.#index];
      if (!part || this.#index < 0)
        throw new RangeError(`byte ${this.#position} is past the end of the plan`);
      const room = part.length === null ? chunk.length - used : part.offset + part.length - this.#position;
      const take = Math.min(room, chunk.length - used);
      const at = this.#position - part.offset;
      pieces.push({
        index: part.index,
        at,
        bytes: chunk.subarray(used, used + take),
        seals: part.length !== null && at + take === part.length,
      });
      used += take;
      this.#position += take;
      if (pieces.at(-1)?.seals) this.#index += 1;
    }
    return pieces;
  }
}
