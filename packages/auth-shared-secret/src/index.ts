export { parseHttpDate } from "@nerves-hub-ts/link";
export { base64UrlDecode, base64UrlEncode } from "./base64url.js";
export { decodeTerm, EtfError, type EtfErrorCode, encodeTerm, type Term } from "./etf.js";
export { type SharedSecretIdentityConfig, sharedSecretIdentity } from "./identity.js";
export {
  DEFAULT_KEY_DIGEST,
  DEFAULT_KEY_ITERATIONS,
  DEFAULT_KEY_LENGTH,
  type KeyDigest,
} from "./nh1.js";
export { redactSharedSecretHeaders } from "./redact.js";
export { type SharedSecretHeaders, SigningError, type SignOptions, signSharedSecret } from "./sign.js";
export {
  type KeyDeriver,
  type RequestHeaders,
  type VerifyFailureReason,
  type VerifyOptions,
  type VerifyResult,
  verifySharedSecret,
} from "./verify.js";
