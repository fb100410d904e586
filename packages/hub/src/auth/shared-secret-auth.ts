// Shared-secret authentication (hub-server.md §2.2): the token check itself is auth-shared-secret's;
// this file owns the key table and the product-key / device-key identity rules.
import { type RequestHeaders, verifySharedSecret } from "@nerves-hub-ts/auth-shared-secret";
import type { DeviceRecord } from "../devices/device-record.js";
import type { DeviceRegistry } from "../devices/registry.js";
import { cachingKeyDeriver } from "./key-deriver.js";

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

export class SharedSecretKeys {
  readonly #keys = new Map<string, KeyEntry>();

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

  readonly #deriveKey = cachingKeyDeriver();

  authenticate(
    headers: RequestHeaders,
    devices: DeviceRegistry,
    nowMs: number,
    maxAgeSeconds: number,
  ): SharedSecretAuthResult {
    const verdict = verifySharedSecret(headers, {
      lookupSecret: (key) => this.#keys.get(key)?.secret,
      nowMs,
      maxAgeSeconds,
      deriveKey: this.#deriveKey,
    });
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
