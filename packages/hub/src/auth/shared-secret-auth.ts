// Shared-secret authentication (hub-server.md §2.2): the token check itself is nh1-token's;
// this file owns the key table, the product-key / device-key identity rules, and what keeps the check
// from being used to exhaust the hub (bounded PBKDF2 cost, cheap checks first, derivations off the
// event loop and rationed per client address and per key).
import {
  precheckToken,
  type RequestHeaders,
  type VerifyResult,
  verifySharedSecret,
} from "@nerves-hub-ts/nh1-token";
import type { DeviceRecord } from "../devices/device-record.js";
import type { DeviceRegistry } from "../devices/registry.js";
import { AttemptLimiter, type RateLimit } from "./attempt-limiter.js";
import { type DerivationRequest, DerivationsBusyError, KeyDerivations } from "./key-derivations.js";

interface KeyEntry {
  secret: string;
  /** Device keys belong to one device; product keys have none. */
  identifier: string | null;
}

export type SharedSecretAuthResult =
  | { ok: true; device: DeviceRecord; created: boolean }
  | { ok: false; status: 401 | 503; reason: string; identifier?: string };

/** The key a caller asked to register does not fit NervesHub's rules. */
export class HubKeyError extends Error {
  override readonly name = "HubKeyError";
}

/**
 * What the hub accepts and allows. The real server takes any PBKDF2 cost a client names; the hub
 * refuses more than `maxIterations` / `maxKeyLength` (401, as any bad alg). Derivations of keys not
 * already kept are rationed per client address and per key; beyond that the attempt gets 503.
 */
export interface SharedSecretLimits {
  maxIterations: number;
  maxKeyLength: number;
  perPeer: RateLimit;
  perKey: RateLimit;
}

/**
 * Ten times nerves_hub_link's and Plug.Crypto's default of 1000 iterations. 64 bytes is the longest
 * digest (SHA-512); a longer key adds nothing to the token's HMAC, which hashes keys past its block.
 */
export const DEFAULT_SHARED_SECRET_LIMITS: SharedSecretLimits = {
  maxIterations: 10_000,
  maxKeyLength: 64,
  perPeer: { burst: 20, perSecond: 5 },
  perKey: { burst: 100, perSecond: 20 },
};

/** A header's value; a repeated header's last one, as the verifier reads it. */
const lastValue = (value: string | readonly string[] | undefined): string =>
  (typeof value === "string" ? value : value?.at(-1)) ?? "";

/** verifySharedSecret reached the key derivation and the key is not kept yet. */
class KeyNotDerived {
  constructor(readonly request: DerivationRequest) {}
}

export class SharedSecretKeys {
  readonly #keys = new Map<string, KeyEntry>();
  readonly #derivations = new KeyDerivations();
  readonly #perPeer: AttemptLimiter;
  readonly #perKey: AttemptLimiter;

  constructor(readonly limits: SharedSecretLimits = DEFAULT_SHARED_SECRET_LIMITS) {
    this.#perPeer = new AttemptLimiter(limits.perPeer);
    this.#perKey = new AttemptLimiter(limits.perKey);
  }

  addProductKey(key: string, secret: string): void {
    if (!key.startsWith("nhp_")) throw new HubKeyError("product keys start with nhp_");
    this.#set(key, { secret, identifier: null });
  }

  addDeviceKey(key: string, secret: string, identifier: string): void {
    if (key.startsWith("nhp_"))
      throw new HubKeyError("device keys must not start with nhp_ (that marks a product key)");
    this.#set(key, { secret, identifier });
  }

  removeKey(key: string): void {
    this.#keys.delete(key);
  }

  #set(key: string, entry: KeyEntry): void {
    if (key === "" || entry.secret === "") throw new HubKeyError("key and secret must not be empty");
    this.#keys.set(key, entry);
  }

  /**
   * Verifies the headers of an upgrade from `peer` (the client address). Everything that needs no
   * derived key is checked first; a key derived already is reused; otherwise the attempt spends one
   * from the peer's and the key's ration and the key is derived on the thread pool.
   */
  async authenticate(
    headers: RequestHeaders,
    devices: DeviceRegistry,
    nowMs: number,
    maxAgeSeconds: number,
    peer: string,
  ): Promise<SharedSecretAuthResult> {
    let verdict = this.#verify(headers, nowMs, maxAgeSeconds);
    if (verdict instanceof KeyNotDerived) {
      const token = precheckToken(lastValue(headers["x-nh-signature"]), nowMs, maxAgeSeconds);
      if (!token.ok) return { ok: false, status: 401, reason: token.reason };
      if (!this.#perPeer.tryTake(peer, nowMs) || !this.#perKey.tryTake(lastValue(headers["x-nh-key"]), nowMs))
        return { ok: false, status: 503, reason: "rate_limited" };
      let derived: Uint8Array;
      try {
        derived = await this.#derivations.derive(verdict.request);
      } catch (error) {
        if (error instanceof DerivationsBusyError) return { ok: false, status: 503, reason: "busy" };
        throw error;
      }
      verdict = this.#verify(headers, nowMs, maxAgeSeconds, derived);
      if (verdict instanceof KeyNotDerived) throw new Error("the derived key was not used");
    }
    return this.#identify(verdict, devices);
  }

  #verify(
    headers: RequestHeaders,
    nowMs: number,
    maxAgeSeconds: number,
    derived?: Uint8Array,
  ): VerifyResult | KeyNotDerived {
    try {
      return verifySharedSecret(headers, {
        lookupSecret: (key) => this.#keys.get(key)?.secret,
        nowMs,
        maxAgeSeconds,
        maxIterations: this.limits.maxIterations,
        maxKeyLength: this.limits.maxKeyLength,
        deriveKey: (digest, secret, salt, iterations, length) => {
          const request = { digest, secret, salt, iterations, length };
          const key = derived ?? this.#derivations.cached(request);
          // Thrown so that no verdict can come out of a key that was not derived.
          if (!key) throw new KeyNotDerived(request);
          return key;
        },
      });
    } catch (error) {
      if (error instanceof KeyNotDerived) return error;
      throw error;
    }
  }

  #identify(verdict: VerifyResult, devices: DeviceRegistry): SharedSecretAuthResult {
    if (!verdict.ok) return { ok: false, status: verdict.status, reason: verdict.reason };
    const entry = this.#keys.get(verdict.key);
    if (!entry) return { ok: false, status: 401, reason: "unknown_key" };
    if (entry.identifier === null) {
      // Product key: find or create the device the token names.
      const { device, created } = devices.ensure(verdict.identifier, "product_key");
      if (device.deleted)
        return { ok: false, status: 401, reason: "device_deleted", identifier: device.identifier };
      return { ok: true, device, created };
    }
    if (entry.identifier !== verdict.identifier) {
      return { ok: false, status: 401, reason: "bad_identifier", identifier: verdict.identifier };
    }
    const device = devices.ensure(entry.identifier, "operator").device;
    if (device.deleted)
      return { ok: false, status: 401, reason: "device_deleted", identifier: device.identifier };
    return { ok: true, device, created: false };
  }
}
