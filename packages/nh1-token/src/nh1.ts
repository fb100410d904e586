// The NH1 scheme's fixed parts: the alg string, the salt text and the PBKDF2 key derivation.

import { sha1 } from "@noble/hashes/legacy.js";
import { pbkdf2 } from "@noble/hashes/pbkdf2.js";
import { sha224, sha256, sha384, sha512 } from "@noble/hashes/sha2.js";
import { type CHash, utf8ToBytes } from "@noble/hashes/utils.js";

/** A hash usable as the PBKDF2 PRF or the token MAC. */
export type Hash = CHash;

/** PBKDF2 digests a device may choose when signing. */
export type KeyDigest = "sha256" | "sha384" | "sha512";

/** Digests the hub accepts in `x-nh-alg` (the Erlang names `:crypto.pbkdf2_hmac` takes). */
export const PBKDF2_DIGESTS: ReadonlyMap<string, Hash> = new Map<string, Hash>([
  ["sha", sha1],
  ["sha224", sha224],
  ["sha256", sha256],
  ["sha384", sha384],
  ["sha512", sha512],
]);

/** The only signature version that exists. */
export const SIGNATURE_VERSION = "NH1";
/** What the hub requires `x-nh-alg` to start with. */
export const ALG_PREFIX = `${SIGNATURE_VERSION}-HMAC-`;

/** Defaults shared by nerves_hub_link and Plug.Crypto. */
export const DEFAULT_KEY_DIGEST: KeyDigest = "sha256";
export const DEFAULT_KEY_ITERATIONS = 1000;
export const DEFAULT_KEY_LENGTH = 32;

/** `NH1-HMAC-<digest>-<iterations>-<length>`, e.g. `NH1-HMAC-sha256-1000-32`. */
export function formatAlg(digest: string, iterations: number | bigint, length: number | bigint): string {
  return `${ALG_PREFIX}${digest}-${iterations}-${length}`;
}

/**
 * The PBKDF2 salt: five lines, the second one empty, each ending in `\n`. `alg` is the whole
 * `x-nh-alg` value and `time` the decimal rendering of the signing second.
 */
export function saltFor(alg: string, key: string, time: string): string {
  return `${SIGNATURE_VERSION}:device-socket:shared-secret:connect\n\nx-nh-alg=${alg}\nx-nh-key=${key}\nx-nh-time=${time}\n`;
}

/** PBKDF2-HMAC(digest, password = secret, salt) as Plug.Crypto's KeyGenerator computes it. */
export function deriveKey(
  digest: Hash,
  secret: string,
  salt: string,
  iterations: number,
  length: number,
): Uint8Array {
  return pbkdf2(digest, utf8ToBytes(secret), utf8ToBytes(salt), { c: iterations, dkLen: length });
}
