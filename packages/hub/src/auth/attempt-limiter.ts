/** A burst of attempts, refilled at a steady rate. */
export interface RateLimit {
  burst: number;
  perSecond: number;
}

/**
 * Token buckets per id (a client address, a key id), on the caller's clock. Only ids that have spent
 * part of their burst are kept, and at most `maxIds` of them: beyond that the oldest is forgotten
 * (it starts again with a full burst), so the table itself cannot be grown without bound.
 */
export class AttemptLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly limit: RateLimit,
    readonly maxIds = 10_000,
  ) {
    if (!(limit.burst >= 1 && limit.perSecond > 0))
      throw new RangeError(`a rate limit needs burst >= 1 and perSecond > 0, got ${JSON.stringify(limit)}`);
  }

  /** Whether `id` may make an attempt now; if so, the attempt is counted. */
  tryTake(id: string, nowMs: number): boolean {
    const bucket = this.#buckets.get(id);
    const tokens = bucket
      ? Math.min(
          this.limit.burst,
          bucket.tokens + (Math.max(0, nowMs - bucket.at) / 1000) * this.limit.perSecond,
        )
      : this.limit.burst;
    if (tokens < 1) return false;
    this.#buckets.delete(id);
    if (this.#buckets.size >= this.maxIds) this.#buckets.delete(this.#buckets.keys().next().value as string);
    this.#buckets.set(id, { tokens: tokens - 1, at: nowMs });
    return true;
  }
}
