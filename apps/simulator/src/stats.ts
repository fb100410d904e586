// Small summaries of samples for reports.

/** The p-th percentile (0..100) by nearest rank; NaN for no samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

/** A fixed-size reservoir: keeps a uniform sample of an unbounded stream in bounded memory. */
export class Reservoir {
  readonly samples: number[] = [];
  #seen = 0;
  constructor(
    private readonly capacity: number,
    private readonly random: () => number = Math.random,
  ) {}

  get seen(): number {
    return this.#seen;
  }

  add(value: number): void {
    this.#seen++;
    if (this.samples.length < this.capacity) {
      this.samples.push(value);
      return;
    }
    const slot = Math.floor(this.random() * this.#seen);
    if (slot < this.capacity) this.samples[slot] = value;
  }

  clear(): void {
    this.samples.length = 0;
    this.#seen = 0;
  }
}

export const ms = (v: number): string =>
  Number.isFinite(v) ? `${v < 10 ? v.toFixed(1) : Math.round(v)} ms` : "n/a";
export const seconds = (v: number): string => (Number.isFinite(v) ? `${(v / 1000).toFixed(2)} s` : "n/a");
export const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
export const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;
