// Builds tokens the way a (possibly hostile) client could: any alg text, payload bytes or MAC digest.

import { hmac } from "@noble/hashes/hmac.js";
import { sha256, sha384, sha512 } from "@noble/hashes/sha2.js";
import { utf8ToBytes } from "@noble/hashes/utils.js";
import { base64UrlEncode } from "../base64url.js";
import { encodeTerm, type Term } from "../etf.js";
import { deriveKey, PBKDF2_DIGESTS, saltFor } from "../nh1.js";
import type { SharedSecretHeaders } from "../sign.js";

const MAC = { SFMyNTY: sha256, SFMzODQ: sha384, SFM1MTI: sha512 } as const;

export interface CraftOptions {
  key: string;
  secret: string;
  /** Full x-nh-alg text; its digest/iterations/length drive the key derivation. */
  alg?: string;
  /** x-nh-time as sent. */
  time: string;
  /** Time as the server renders it in the salt (defaults to `time`). */
  saltTime?: string;
  payload: Uint8Array;
  protectedHeader?: keyof typeof MAC;
}

export function craftHeaders(opts: CraftOptions): SharedSecretHeaders {
  const alg = opts.alg ?? "NH1-HMAC-sha256-1000-32";
  const [digestName = "", iterations = "", length = ""] = alg.replace(/^NH1-HMAC-/, "").split("-");
  const digest = PBKDF2_DIGESTS.get(digestName.toLowerCase());
  if (digest === undefined) throw new Error(`craftHeaders: unknown digest in ${alg}`);
  const salt = saltFor(alg, opts.key, opts.saltTime ?? opts.time);
  const derived = deriveKey(digest, opts.secret, salt, Number(iterations), Number(length));
  const protectedHeader = opts.protectedHeader ?? "SFMyNTY";
  const plainText = `${protectedHeader}.${base64UrlEncode(opts.payload)}`;
  const mac = hmac(MAC[protectedHeader], derived, utf8ToBytes(plainText));
  return {
    "x-nh-alg": alg,
    "x-nh-key": opts.key,
    "x-nh-time": opts.time,
    "x-nh-signature": `${plainText}.${base64UrlEncode(mac)}`,
  };
}

export const binary = (text: string): Term => ({ type: "binary", value: utf8ToBytes(text) });
export const integer = (value: number | bigint): Term => ({ type: "integer", value: BigInt(value) });
export const tuple = (...value: Term[]): Term => ({ type: "tuple", value });
export const atom = (value: string): Term => ({ type: "atom", value });

/** The standard payload `{identifier, ms, 86400}` as bytes. */
export function standardPayload(identifier: string, signedAtMs: number): Uint8Array {
  return encodeTerm(tuple(binary(identifier), integer(signedAtMs), integer(86400)));
}
