import { isIP } from "node:net";
import { issueCertificate, type PemCredential } from "./issue.js";
import { generateKeyPair } from "./keys.js";
import { resolveValidity, type ValidityOptions } from "./validity.js";
import { x509 } from "./x509.js";

export interface ServerCertOptions extends ValidityOptions {
  commonName: string;
  /** Host names and IP addresses clients will connect to; each becomes a DNS or IP SAN entry. */
  altNames?: string[];
}

const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "::1"];

/** Creates a TLS server certificate (serverAuth) signed by `ca`. Default SANs cover loopback. */
export async function createServerCert(
  ca: PemCredential,
  options: ServerCertOptions,
): Promise<PemCredential> {
  const altNames = options.altNames ?? LOOPBACK_NAMES;
  return issueCertificate({
    commonName: options.commonName,
    keys: await generateKeyPair(),
    issuer: ca,
    ...resolveValidity(options, 825),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(
        altNames.map((name) => ({ type: isIP(name) ? "ip" : "dns", value: name })),
      ),
    ],
  });
}
