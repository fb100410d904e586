// The hub side: checks the x-nh-* headers the way nerves_hub_web's DeviceLink authentication and
// Plug.Crypto do, including which failures surface as 503 instead of 401.

import { decodeTerm, type Term } from "./etf.js";
import { ALG_PREFIX, deriveKey, PBKDF2_DIGESTS, saltFor } from "./nh1.js";
import { openToken } from "./token.js";

/** Why a set of shared-secret headers was refused. */
export type VerifyFailureReason =
  | "missing_alg"
  | "bad_alg"
  | "unknown_digest"
  | "missing_time"
  | "bad_time"
  | "missing_key"
  | "unknown_key"
  | "lookup_failed"
  | "missing_signature"
  | "bad_token"
  | "bad_signature"
  | "bad_payload"
  | "unexpected_term"
  | "bad_identifier"
  | "expired"
  | "future";

/** The verdict. `status` is what the real server answers the websocket upgrade with. */
export type VerifyResult =
  | {
      ok: true;
      key: string;
      /** `product` for `nhp_` keys (the hub may create the device), else `device`. */
      kind: "product" | "device";
      /** The signed identifier; for device keys the hub must check it matches the key's device. */
      identifier: string;
      signedAtMs: number;
    }
  | {
      ok: false;
      reason: VerifyFailureReason;
      status: 401 | 503;
      /** A human explanation for logs. Never contains the secret or the signature. */
      detail: string;
    };

/** Upgrade request headers; names in any case, a repeated header's last value wins. */
export type RequestHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/** How the hub verifies. */
export interface VerifyOptions {
  /** The secret for a key id, or undefined when the key is unknown or inactive. May throw (→ 503). */
  lookupSecret(key: string): string | undefined;
  /** The hub's wall clock, ms since the epoch. */
  nowMs: number;
  /** Maximum token age; the server's default is 90. `Infinity` disables age checks. */
  maxAgeSeconds?: number;
  /**
   * The real server takes any PBKDF2 cost the device names; these caps (a deliberate difference)
   * keep a client from making the hub derive huge keys or spin for minutes. Beyond them: bad_alg.
   */
  maxIterations?: number;
  maxKeyLength?: number;
  /**
   * Replaces the built-in (pure JS) PBKDF2, e.g. with a native or caching one. `digest` is the lower-case
   * name from `x-nh-alg` (`sha`, `sha224`, `sha256`, `sha384`, `sha512`).
   */
  deriveKey?: KeyDeriver;
}

/** PBKDF2-HMAC(digest, password = secret, salt, iterations, length), as Plug.Crypto's KeyGenerator. */
export type KeyDeriver = (
  digest: string,
  secret: string,
  salt: string,
  iterations: number,
  length: number,
) => Uint8Array;

const DEFAULT_MAX_AGE_SECONDS = 90;
const DEFAULT_MAX_ITERATIONS = 100_000;
const DEFAULT_MAX_KEY_LENGTH = 1024;
const PRODUCT_KEY_PREFIX = "nhp_";

/** Verifies shared-secret headers. Whatever the headers hold, the outcome is a typed result. */
export function verifySharedSecret(headers: RequestHeaders, opts: VerifyOptions): VerifyResult {
  if (!Number.isFinite(opts.nowMs)) throw new RangeError("verifySharedSecret: nowMs must be a finite number");
  const get = headerReader(headers);

  // Header parsing, in the server's order (decode_from_headers).
  const alg = get("x-nh-alg");
  if (alg === undefined) return refuse("missing_alg", "no x-nh-alg header");
  if (!alg.startsWith(ALG_PREFIX)) return refuse("bad_alg", `x-nh-alg must start with ${ALG_PREFIX}`);
  const algParts = alg.slice(ALG_PREFIX.length).split("-");
  if (algParts.length !== 3) {
    return refuse("bad_alg", "x-nh-alg must be NH1-HMAC-<digest>-<iterations>-<length>");
  }
  const [digestName = "", iterationsText = "", lengthText = ""] = algParts;
  const digest = PBKDF2_DIGESTS.get(digestName.toLowerCase());
  if (digest === undefined) {
    return refuse("unknown_digest", `unsupported PBKDF2 digest ${JSON.stringify(digestName)}`);
  }
  const iterations = parseInteger(iterationsText);
  const keyLength = parseInteger(lengthText);
  if (iterations === undefined || keyLength === undefined) {
    return refuse("bad_alg", "iterations and key length in x-nh-alg must be integers");
  }
  const timeText = get("x-nh-time");
  // The server feeds nil to Integer.parse here; that error is not an ArgumentError, hence 503.
  if (timeText === undefined) return refuse("missing_time", "no x-nh-time header", 503);
  const time = parseInteger(timeText);
  if (time === undefined) return refuse("bad_time", "x-nh-time must be an integer number of seconds");
  const key = get("x-nh-key");
  if (key === undefined) return refuse("missing_key", "no x-nh-key header");

  let secret: string | undefined;
  try {
    secret = opts.lookupSecret(key);
  } catch {
    return refuse("lookup_failed", "the key lookup failed", 503);
  }
  if (secret === undefined) return refuse("unknown_key", "unknown or inactive key");
  const token = get("x-nh-signature");
  if (token === undefined) return refuse("missing_signature", "no x-nh-signature header");

  // Plug.Crypto.verify: derive the key (KeyGenerator's argument checks first), then the token.
  const maxIterations = opts.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  const maxKeyLength = opts.maxKeyLength ?? DEFAULT_MAX_KEY_LENGTH;
  if (iterations < 1n || iterations > maxIterations) {
    return refuse("bad_alg", `iterations must be between 1 and ${maxIterations}`);
  }
  if (keyLength < 1n || keyLength > maxKeyLength) {
    return refuse("bad_alg", `key length must be between 1 and ${maxKeyLength}`);
  }
  // The salt carries the alg text verbatim but the time as the re-rendered parsed integer.
  const salt = saltFor(alg, key, time.toString());
  const derived = opts.deriveKey
    ? opts.deriveKey(digestName.toLowerCase(), secret, salt, Number(iterations), Number(keyLength))
    : deriveKey(digest, secret, salt, Number(iterations), Number(keyLength));
  const opened = openToken(token, derived);
  if (!opened.ok) {
    return opened.reason === "bad_token"
      ? refuse("bad_token", "x-nh-signature is not a well-formed signed token")
      : refuse("bad_signature", "the token's MAC does not match");
  }

  let term: Term;
  try {
    term = decodeTerm(opened.payload);
  } catch (error) {
    return refuse(
      "bad_payload",
      `token payload refused: ${error instanceof Error ? error.message : "undecodable"}`,
    );
  }
  const fields = tokenFields(term);
  // Plug.Crypto's `case` has no clause for other shapes; the CaseClauseError becomes a 503.
  if (fields === undefined) return refuse("unexpected_term", "token payload has an unexpected shape", 503);

  const age = checkAge(fields.signed, opts.maxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS, opts.nowMs);
  if (!age.ok) return age.failure;

  const identifier = binaryText(fields.data);
  if (identifier === undefined) {
    return refuse("bad_identifier", "the signed identifier is not a UTF-8 binary");
  }
  return {
    ok: true,
    key,
    kind: key.startsWith(PRODUCT_KEY_PREFIX) ? "product" : "device",
    identifier,
    signedAtMs: age.signedAtMs,
  };
}

function refuse(
  reason: VerifyFailureReason,
  detail: string,
  status: 401 | 503 = 401,
): Extract<VerifyResult, { ok: false }> {
  return { ok: false, reason, status, detail };
}

function headerReader(headers: RequestHeaders): (name: string) => string | undefined {
  const byName = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) {
    const last = typeof value === "string" ? value : value?.[value.length - 1];
    if (last !== undefined) byName.set(name.toLowerCase(), last);
  }
  return (name) => byName.get(name);
}

/** Elixir's `Integer.parse/1` requiring the whole text: optional sign, decimal digits. */
function parseInteger(text: string): bigint | undefined {
  return /^[+-]?[0-9]+$/.test(text) ? BigInt(text) : undefined;
}

/** The three shapes Plug.Crypto's decode accepts: `{data, signed, max_age}`, `{data, signed}`, `%{data:, signed:}`. */
export function tokenFields(term: Term): { data: Term; signed: Term } | undefined {
  if (term.type === "tuple" && (term.value.length === 3 || term.value.length === 2)) {
    const [data, signed] = term.value;
    return data && signed ? { data, signed } : undefined;
  }
  if (term.type === "map") {
    const data = mapValue(term.value, "data");
    const signed = mapValue(term.value, "signed");
    return data && signed ? { data, signed } : undefined;
  }
  return undefined;
}

function mapValue(entries: readonly (readonly [Term, Term])[], atom: string): Term | undefined {
  return entries.findLast(([key]) => key.type === "atom" && key.value === atom)?.[1];
}

type AgeCheck =
  | { ok: true; signedAtMs: number }
  | { ok: false; failure: Extract<VerifyResult, { ok: false }> };

/**
 * Plug.Crypto's validate_age with the hub's max_age: future when signed > now, expired when
 * signed + max_age * 1000 < now, both in integer milliseconds against the token's own timestamp.
 */
function checkAge(signed: Term, maxAgeSeconds: number, nowMs: number): AgeCheck {
  if (signed.type !== "integer" && signed.type !== "float") {
    // Erlang orders every non-number above any number, so the server calls this "invalid".
    return { ok: false, failure: refuse("bad_payload", "signed_at in the token is not a number") };
  }
  const signedAtMs = Number(signed.value);
  if (maxAgeSeconds === Number.POSITIVE_INFINITY) return { ok: true, signedAtMs };
  if (maxAgeSeconds <= 0) return { ok: false, failure: refuse("expired", "max age is not positive") };
  const now = Math.floor(nowMs);
  // `signed + maxAge < now`, rearranged so bigint and number compare exactly without conversion.
  const oldestAcceptedMs = now - Math.trunc(maxAgeSeconds * 1000);
  if (signed.value > now) {
    return { ok: false, failure: refuse("future", "token signed in the future (device clock ahead?)") };
  }
  if (signed.value < oldestAcceptedMs) {
    return { ok: false, failure: refuse("expired", `token older than ${maxAgeSeconds} s`) };
  }
  return { ok: true, signedAtMs };
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function binaryText(term: Term): string | undefined {
  if (term.type !== "binary") return undefined;
  try {
    return utf8.decode(term.value);
  } catch {
    return undefined;
  }
}
