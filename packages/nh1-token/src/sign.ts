// The device side: the four x-nh-* headers nerves_hub_link sends to /device-socket/websocket.

import { utf8ToBytes } from "@noble/hashes/utils.js";
import { encodeTerm } from "./etf.js";
import {
  DEFAULT_KEY_DIGEST,
  DEFAULT_KEY_ITERATIONS,
  DEFAULT_KEY_LENGTH,
  deriveKey,
  formatAlg,
  type KeyDigest,
  PBKDF2_DIGESTS,
  saltFor,
} from "./nh1.js";
import { signToken } from "./token.js";

/** The shared-secret upgrade headers, names in lower case. */
export type SharedSecretHeaders = {
  "x-nh-alg": string;
  "x-nh-key": string;
  "x-nh-time": string;
  "x-nh-signature": string;
};

/** Inputs for one signature. */
export interface SignOptions {
  /** The public key id: `nhp_…` (product) or `nhd_…` (device). */
  key: string;
  /** The secret belonging to `key`, used as literal text. */
  secret: string;
  /** The device identifier the hub will see. */
  identifier: string;
  /** Signing time in whole Unix seconds. */
  signedAtSeconds: number;
  keyDigest?: KeyDigest;
  keyIterations?: number;
  keyLength?: number;
}

/** The max_age nerves_hub_link embeds (Plug.Crypto's default); the hub applies its own limit. */
const EMBEDDED_MAX_AGE_SECONDS = 86400n;

const SIGNING_DIGESTS: readonly string[] = ["sha256", "sha384", "sha512"] satisfies KeyDigest[];

/** A typed error for signing options that cannot produce a valid token. */
export class SigningError extends Error {
  override readonly name = "SigningError";
  constructor(
    readonly option: "signedAtSeconds" | "keyDigest" | "keyIterations" | "keyLength",
    message: string,
  ) {
    super(message);
  }
}

/**
 * Signs like nerves_hub_link's SharedSecret configurator: PBKDF2 key from the salt, then an
 * HS256 Plug.Crypto token over the ETF term `{identifier, signed_at_ms, 86400}`.
 */
export function signSharedSecret(opts: SignOptions): SharedSecretHeaders {
  const { digest, digestName, iterations, length } = signingParameters(opts);
  const alg = formatAlg(digestName, iterations, length);
  const time = String(opts.signedAtSeconds);
  const derived = deriveKey(digest, opts.secret, saltFor(alg, opts.key, time), iterations, length);
  const payload = encodeTerm({
    type: "tuple",
    value: [
      { type: "binary", value: utf8ToBytes(opts.identifier) },
      { type: "integer", value: BigInt(opts.signedAtSeconds) * 1000n },
      { type: "integer", value: EMBEDDED_MAX_AGE_SECONDS },
    ],
  });
  return {
    "x-nh-alg": alg,
    "x-nh-key": opts.key,
    "x-nh-time": time,
    "x-nh-signature": signToken(payload, derived),
  };
}

/**
 * Throws the SigningError that signSharedSecret would throw for these options, without signing: lets
 * a device refuse bad settings when it is configured rather than at its first connection.
 */
export function checkSigningOptions(opts: Omit<SignOptions, "key" | "secret" | "identifier">): void {
  signingParameters(opts);
}

/** Applies defaults and throws SigningError for options no hub would accept. */
function signingParameters(opts: Omit<SignOptions, "key" | "secret" | "identifier">) {
  const digestName = opts.keyDigest ?? DEFAULT_KEY_DIGEST;
  const iterations = opts.keyIterations ?? DEFAULT_KEY_ITERATIONS;
  const length = opts.keyLength ?? DEFAULT_KEY_LENGTH;
  const digest = SIGNING_DIGESTS.includes(digestName) ? PBKDF2_DIGESTS.get(digestName) : undefined;
  if (digest === undefined) {
    throw new SigningError(
      "keyDigest",
      `keyDigest must be sha256, sha384 or sha512, got ${JSON.stringify(digestName)}`,
    );
  }
  if (!Number.isSafeInteger(opts.signedAtSeconds)) {
    throw new SigningError("signedAtSeconds", "signedAtSeconds must be a whole number of seconds");
  }
  if (!Number.isSafeInteger(iterations) || iterations < 1) {
    throw new SigningError("keyIterations", "keyIterations must be an integer >= 1");
  }
  if (!Number.isSafeInteger(length) || length < 1) {
    throw new SigningError("keyLength", "keyLength must be an integer >= 1");
  }
  return { digest, digestName, iterations, length };
}
