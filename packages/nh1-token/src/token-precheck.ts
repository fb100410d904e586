// What can be checked in a shared-secret token before paying for its key derivation: its shape and
// the age it claims. A token failing here would fail after the derivation too (bad token, bad MAC or
// bad age), with the same 401, so checking first changes no verdict.
import { base64UrlDecode } from "./base64url.js";
import { decodeTerm, type Term } from "./etf.js";
import { tokenFields } from "./verify.js";

/** MAC length per protected header (HS256, HS384, HS512). */
const MAC_BYTES: ReadonlyMap<string, number> = new Map([
  ["SFMyNTY", 32],
  ["SFMzODQ", 48],
  ["SFM1MTI", 64],
]);

/** The outcome of precheckToken; for a refused token verifySharedSecret answers 401 too. */
export type TokenPrecheck =
  | { ok: true }
  | { ok: false; reason: "bad_token" | "bad_payload" | "expired" | "future" };

/**
 * Checks an `x-nh-signature` token's structure, MAC length, payload and claimed age (against
 * `nowMs` and `maxAgeSeconds`) without the secret, so a verifier can refuse before deriving a key.
 */
export function precheckToken(token: string, nowMs: number, maxAgeSeconds: number): TokenPrecheck {
  const [protectedHeader = "", payloadText = "", macText = "", ...rest] = token.split(".");
  const macBytes = MAC_BYTES.get(protectedHeader);
  const payload = base64UrlDecode(payloadText);
  if (
    rest.length > 0 ||
    macBytes === undefined ||
    payload === undefined ||
    base64UrlDecode(macText)?.length !== macBytes
  )
    return { ok: false, reason: "bad_token" };
  let signed: Term | undefined;
  try {
    signed = tokenFields(decodeTerm(payload))?.signed;
  } catch {
    return { ok: false, reason: "bad_payload" };
  }
  // Shapes the verifier does not know get its 503 after a derivation; leave them to it.
  if (signed === undefined || maxAgeSeconds === Number.POSITIVE_INFINITY) return { ok: true };
  if (signed.type !== "integer" && signed.type !== "float") return { ok: false, reason: "bad_payload" };
  const now = Math.floor(nowMs);
  if (signed.value > now) return { ok: false, reason: "future" };
  if (signed.value < now - Math.trunc(maxAgeSeconds * 1000)) return { ok: false, reason: "expired" };
  return { ok: true };
}
