import { DevPkiError } from "./errors.js";
import { type EcKeyPair, importKeyPair, SIGNING_ALGORITHM } from "./keys.js";
import { x509 } from "./x509.js";

/** A PEM certificate and its PKCS#8 PEM private key. */
export interface PemCredential {
  certPem: string;
  keyPem: string;
}

interface IssueParams {
  commonName: string;
  keys: EcKeyPair;
  /** Signs the new certificate; absent means self-signed. */
  issuer?: PemCredential;
  notBefore: Date;
  notAfter: Date;
  /** Profile extensions (constraints, usages, names); SKI and AKI are added here. */
  extensions: x509.Extension[];
}

/** Builds and signs one certificate. Every certificate carries SKI, and AKI = the signer's SKI. */
export async function issueCertificate(params: IssueParams): Promise<PemCredential> {
  if (params.commonName.trim() === "") throw new DevPkiError("commonName must not be empty");
  const subject: x509.JsonName = [{ CN: [params.commonName] }];
  const ski = await x509.SubjectKeyIdentifierExtension.create(params.keys.publicKey);
  const signer = params.issuer ? await loadIssuer(params.issuer) : undefined;

  const cert = await x509.X509CertificateGenerator.create({
    subject,
    issuer: signer?.name ?? subject,
    notBefore: params.notBefore,
    notAfter: params.notAfter,
    publicKey: params.keys.publicKey,
    signingKey: signer?.keys.privateKey ?? params.keys.privateKey,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      ...params.extensions,
      ski,
      new x509.AuthorityKeyIdentifierExtension(signer?.keyId ?? ski.keyId),
    ],
  });
  // PEM files end with a newline; without it concatenated chains (cert + signer) are unreadable.
  return { certPem: `${cert.toString("pem")}\n`, keyPem: params.keys.keyPem };
}

async function loadIssuer(issuer: PemCredential) {
  const cert = new x509.X509Certificate(issuer.certPem);
  if (!cert.getExtension(x509.BasicConstraintsExtension)?.ca) {
    throw new DevPkiError(
      `issuer "${cert.subject}" is not a CA certificate (basicConstraints cA is not set)`,
    );
  }
  const keys = await importKeyPair(issuer.keyPem);
  const spki = Buffer.from(await crypto.subtle.exportKey("spki", keys.publicKey));
  if (!spki.equals(Buffer.from(cert.publicKey.rawData))) {
    throw new DevPkiError(`the issuer key does not belong to the issuer certificate "${cert.subject}"`);
  }
  const keyId =
    cert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId ??
    (await x509.SubjectKeyIdentifierExtension.create(cert.publicKey)).keyId;
  return { name: cert.subjectName, keys, keyId };
}
