// Plug.Crypto's "signed" token: `<protected>.<b64url payload>.<b64url HMAC(protected.payload)>`.

import { hmac } from "@noble/hashes/hmac.js";
import { sha256, sha384, sha512 } from "@noble/hashes/sha2.js";
import { utf8ToBytes } from "@noble/hashes/utils.js";
import { base64UrlDecode, base64UrlEncode } from "./base64url.js";
import type { Hash } from "./nh1.js";

/** b64url("HS256"): the protected header every signer uses; the MAC is then HMAC-SHA256. */
export const HS256 = "SFMyNTY";

// The verifier picks the MAC digest from the protected header.
const MAC_DIGESTS: ReadonlyMap<string, Hash> = new Map<string, Hash>([
  [HS256, sha256],
  ["SFMzODQ", sha384],
  ["SFM1MTI", sha512],
]);

/** Signs `payload` with HMAC-SHA256 under `key`. */
export function signToken(payload: Uint8Array, key: Uint8Array): string {
  const plainText = `${HS256}.${base64UrlEncode(payload)}`;
  return `${plainText}.${base64UrlEncode(hmac(sha256, key, utf8ToBytes(plainText)))}`;
}

/** The outcome of checking a token's structure and MAC. */
export type OpenedToken =
  | { ok: true; payload: Uint8Array }
  | { ok: false; reason: "bad_token" | "bad_signature" };

/**
 * Checks a token like Plug.Crypto's MessageVerifier: exactly three dot-separated parts, a known
 * protected header, decodable base64url, and a MAC over the text as received.
 */
export function openToken(token: string, key: Uint8Array): OpenedToken {
  const parts = token.split(".");
  if (parts.length !== 3) return { ok: false, reason: "bad_token" };
  const [protectedHeader = "", payloadText = "", macText = ""] = parts;
  const digest = MAC_DIGESTS.get(protectedHeader);
  const payload = base64UrlDecode(payloadText);
  const mac = base64UrlDecode(macText);
  if (digest === undefined || payload === undefined || mac === undefined) {
    return { ok: false, reason: "bad_token" };
  }
  const expected = hmac(digest, key, utf8ToBytes(`${protectedHeader}.${payloadText}`));
  return constantTimeEqual(expected, mac) ? { ok: true, payload } : { ok: false, reason: "bad_signature" };
}

function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}
