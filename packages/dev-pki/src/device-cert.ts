import { issueCertificate, type PemCredential } from "./issue.js";
import { generateKeyPair, importKeyPair } from "./keys.js";
import { resolveValidity, type ValidityOptions } from "./validity.js";
import { x509 } from "./x509.js";

export interface DeviceCertOptions extends ValidityOptions {
  /** The device identifier; it becomes the subject CN, which NervesHub reads at first registration. */
  identifier: string;
  /** Reuse this P-256 private key (PEM) instead of generating one, e.g. to rotate a certificate. */
  keyPem?: string;
}

/** Creates a device (TLS client, clientAuth) certificate signed by `ca`, with AKI = the CA's SKI. */
export async function createDeviceCert(
  ca: PemCredential,
  options: DeviceCertOptions,
): Promise<PemCredential> {
  return issueCertificate({
    commonName: options.identifier,
    keys: options.keyPem ? await importKeyPair(options.keyPem) : await generateKeyPair(),
    issuer: ca,
    ...resolveValidity(options, 3650),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
    ],
  });
}
