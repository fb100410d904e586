export type { CertificateIdentity, CertificateIdentityConfig } from "./certificate-identity.js";
export { loadCertificateIdentity } from "./certificate-identity.js";
export type { PemSource } from "./pem-source.js";
