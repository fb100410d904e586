import { IdentityError } from "@nerves-hub-ts/ports";
import type { LoadedPem } from "./pem-source.js";
import { x509 } from "./x509.js";

export interface ParsedCertificates {
  /** One normalised PEM block per certificate, in file order. */
  pems: string[];
  /** The first certificate: the device certificate of a chain. */
  first: { pem: string; certificate: x509.X509Certificate };
}

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** Every certificate in a PEM text; at least one, each a parseable X.509 certificate. */
export function parseCertificates(source: LoadedPem): ParsedCertificates {
  const pems = (source.text.match(CERTIFICATE_BLOCK) ?? []).map((block) => `${block}\n`);
  if (pems.length === 0) {
    throw new IdentityError("bad_pem", `${source.origin} holds no PEM certificate (BEGIN CERTIFICATE)`);
  }
  const certificates = pems.map((pem, index) => {
    try {
      return new x509.X509Certificate(pem);
    } catch {
      throw new IdentityError(
        "bad_pem",
        `${source.origin}: certificate ${index + 1} of ${pems.length} is not a valid X.509 certificate`,
      );
    }
  });
  return { pems, first: { pem: pems[0] as string, certificate: certificates[0] as x509.X509Certificate } };
}
