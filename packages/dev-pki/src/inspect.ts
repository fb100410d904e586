import { createHash, X509Certificate as NodeX509Certificate } from "node:crypto";
import { DevPkiError } from "./errors.js";
import { x509 } from "./x509.js";

// The hub identifies devices by these values; all are upper-case hex without separators,
// the form NervesHub stores certificate fingerprints in.

/** SHA-1 over the certificate DER: NervesHub's device certificate fingerprint. */
export function fingerprintSha1(certPem: string): string {
  return sha1Hex(parseNode(certPem).raw);
}

/** SHA-1 over the DER SubjectPublicKeyInfo: stays the same when a certificate is reissued for the same key. */
export function publicKeyFingerprintSha1(certPem: string): string {
  return sha1Hex(parseNode(certPem).publicKey.export({ type: "spki", format: "der" }));
}

/** The subjectKeyIdentifier extension, or undefined when the certificate has none. */
export function subjectKeyId(certPem: string): string | undefined {
  return parsePeculiar(certPem).getExtension(x509.SubjectKeyIdentifierExtension)?.keyId.toUpperCase();
}

/** The authorityKeyIdentifier keyIdentifier, or undefined when absent. NervesHub finds the signer CA by it. */
export function authorityKeyId(certPem: string): string | undefined {
  return parsePeculiar(certPem).getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId?.toUpperCase();
}

/** The first subject CN, or undefined when the subject has none. */
export function commonName(certPem: string): string | undefined {
  return parsePeculiar(certPem).subjectName.getField("CN")[0];
}

function sha1Hex(der: Buffer): string {
  return createHash("sha1").update(der).digest("hex").toUpperCase();
}

function parseNode(certPem: string): NodeX509Certificate {
  try {
    return new NodeX509Certificate(certPem);
  } catch (error) {
    throw notACertificate(error);
  }
}

function parsePeculiar(certPem: string): x509.X509Certificate {
  try {
    return new x509.X509Certificate(certPem);
  } catch (error) {
    throw notACertificate(error);
  }
}

function notACertificate(cause: unknown): DevPkiError {
  return new DevPkiError("not a PEM X.509 certificate", { cause });
}
