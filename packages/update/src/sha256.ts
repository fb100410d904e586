// Incremental SHA-256 behind a tiny interface, so pure code can verify bytes while adapters plug
// in a faster native hash (node:crypto) where they have one.
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";

/** An incremental SHA-256. */
export interface Sha256 {
  update(bytes: Uint8Array): void;
  /** Lower-case hex digest; the hash cannot be updated afterwards. */
  hexDigest(): string;
}

/** Makes a fresh incremental SHA-256. */
export type Sha256Factory = () => Sha256;

/** A pure-JS SHA-256 (@noble/hashes); portable, slower than a native one. */
export const pureSha256: Sha256Factory = () => {
  const h = sha256.create();
  return {
    update: (bytes) => {
      h.update(bytes);
    },
    hexDigest: () => bytesToHex(h.digest()),
  };
};
