import { createHash, pbkdf2 } from "node:crypto";

const NODE_DIGEST: Record<string, string> = { sha: "sha1" };

/** One PBKDF2 derivation, as the shared-secret verifier asks for it (`digest` as in `x-nh-alg`). */
export interface DerivationRequest {
  digest: string;
  secret: string;
  salt: string;
  iterations: number;
  length: number;
}

/** Too many derivations are queued already; the caller should refuse the attempt for now. */
export class DerivationsBusyError extends Error {
  override readonly name = "DerivationsBusyError";
}

export interface KeyDerivationLimits {
  /** Kept derived keys. */
  maxEntries: number;
  /** Derivations running at once on libuv's thread pool (shared with file reads: leave it room). */
  maxParallel: number;
  /** Derivations waiting for a slot; beyond this, `derive` fails with DerivationsBusyError. */
  maxQueued: number;
}

const DEFAULT_LIMITS: KeyDerivationLimits = { maxEntries: 256, maxParallel: 2, maxQueued: 64 };

/**
 * PBKDF2 for shared-secret verification: Node's native one, off the event loop, with the last few
 * derived keys kept. The salt holds only the alg, key and signing second, so a fleet reconnecting on
 * one product key signs with the same salt within a second: one derivation serves all of them, and
 * concurrent requests for it share it. Entries are keyed by a hash of the inputs, so no secret is
 * held as a map key.
 */
export class KeyDerivations {
  readonly #cache = new Map<string, Uint8Array>();
  readonly #inFlight = new Map<string, Promise<Uint8Array>>();
  readonly #waiting: (() => void)[] = [];
  #running = 0;

  constructor(readonly limits: KeyDerivationLimits = DEFAULT_LIMITS) {}

  /** The derived key when it is kept. */
  cached(request: DerivationRequest): Uint8Array | undefined {
    return this.#cache.get(idOf(request));
  }

  /** Derives (or joins the derivation already running for the same inputs) and keeps the key. */
  derive(request: DerivationRequest): Promise<Uint8Array> {
    const id = idOf(request);
    const kept = this.#cache.get(id);
    if (kept) return Promise.resolve(kept);
    const running = this.#inFlight.get(id);
    if (running) return running;
    if (this.#running >= this.limits.maxParallel && this.#waiting.length >= this.limits.maxQueued)
      return Promise.reject(new DerivationsBusyError(`${this.#waiting.length} key derivations are queued`));
    const derivation = this.#run(request).then((key) => {
      if (this.#cache.size >= this.limits.maxEntries)
        this.#cache.delete(this.#cache.keys().next().value as string);
      this.#cache.set(id, key);
      return key;
    });
    const settled = derivation.finally(() => this.#inFlight.delete(id));
    this.#inFlight.set(id, settled);
    return settled;
  }

  async #run(request: DerivationRequest): Promise<Uint8Array> {
    if (this.#running >= this.limits.maxParallel)
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#running += 1;
    try {
      return await new Promise<Uint8Array>((resolve, reject) =>
        pbkdf2(
          request.secret,
          request.salt,
          request.iterations,
          request.length,
          NODE_DIGEST[request.digest] ?? request.digest,
          (error, key) => (error ? reject(error) : resolve(key)),
        ),
      );
    } finally {
      this.#running -= 1;
      this.#waiting.shift()?.();
    }
  }
}

function idOf({ digest, secret, salt, iterations, length }: DerivationRequest): string {
  return createHash("sha256")
    .update(`${digest}\0${iterations}\0${length}\0${salt}\0${secret}`)
    .digest("base64");
}
