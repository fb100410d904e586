import { issueCertificate, type PemCredential } from "./issue.js";
import { generateKeyPair } from "./keys.js";
import { resolveValidity, type ValidityOptions } from "./validity.js";
import { x509 } from "./x509.js";

export interface CaOptions extends ValidityOptions {
  commonName: string;
  /**
   * Parent CA; absent makes a self-signed root. With a parent this makes an intermediate
   * "signer" CA, the shape NervesKey devices use (device cert + signer cert in the chain).
   */
  issuer?: PemCredential;
}

/** Creates a CA certificate (basicConstraints cA, keyUsage keyCertSign/cRLSign) with a fresh P-256 key. */
export async function createCa(options: CaOptions): Promise<PemCredential> {
  return issueCertificate({
    commonName: options.commonName,
    keys: await generateKeyPair(),
    ...(options.issuer ? { issuer: options.issuer } : {}),
    ...resolveValidity(options, 3650),
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
}
