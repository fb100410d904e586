export type { CaOptions } from "./ca.js";
export { createCa } from "./ca.js";
export type { DeviceCertOptions } from "./device-cert.js";
export { createDeviceCert } from "./device-cert.js";
export { DevPkiError } from "./errors.js";
export type { CertKeyPaths, PkiPaths, PkiSet } from "./files.js";
export { writePkiFiles } from "./files.js";
export {
  authorityKeyId,
  commonName,
  fingerprintSha1,
  publicKeyFingerprintSha1,
  subjectKeyId,
} from "./inspect.js";
export type { PemCredential } from "./issue.js";
export type { ServerCertOptions } from "./server-cert.js";
export { createServerCert } from "./server-cert.js";
export type { ValidityOptions } from "./validity.js";
