import { createHash, pbkdf2Sync } from "node:crypto";
import type { KeyDeriver } from "@nerves-hub-ts/auth-shared-secret";

const NODE_DIGEST: Record<string, string> = { sha: "sha1" };

/**
 * PBKDF2 for shared-secret verification: Node's native one, with the last few derived keys kept.
 * The salt holds only the alg, key and signing second, so a fleet reconnecting on one product key
 * signs with the same salt within a second: one derivation serves all of them. Entries are keyed by
 * a hash of the inputs, so no secret is held as a map key.
 */
export function cachingKeyDeriver(maxEntries = 256): KeyDeriver {
  const cache = new Map<string, Uint8Array>();
  return (digest, secret, salt, iterations, length) => {
    const id = createHash("sha256")
      .update(`${digest}\0${iterations}\0${length}\0${salt}\0${secret}`)
      .digest("base64");
    const hit = cache.get(id);
    if (hit) return hit;
    const key = pbkdf2Sync(secret, salt, iterations, length, NODE_DIGEST[digest] ?? digest);
    if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as string);
    cache.set(id, key);
    return key;
  };
}
