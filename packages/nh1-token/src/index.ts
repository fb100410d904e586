export {
  DEFAULT_KEY_DIGEST,
  DEFAULT_KEY_ITERATIONS,
  DEFAULT_KEY_LENGTH,
  type KeyDigest,
} from "./nh1.js";
export { redactSharedSecretHeaders } from "./redact.js";
export {
  checkSigningOptions,
  type SharedSecretHeaders,
  SigningError,
  type SignOptions,
  signSharedSecret,
} from "./sign.js";
export { precheckToken, type TokenPrecheck } from "./token-precheck.js";
export {
  type KeyDeriver,
  type RequestHeaders,
  type VerifyFailureReason,
  type VerifyOptions,
  type VerifyResult,
  verifySharedSecret,
} from "./verify.js";
