import { X509Certificate } from "node:crypto";
import { subjectKeyId } from "@nerves-hub-ts/dev-pki";

/** A registered device signer CA. Devices signed by it are found through AKI == this SKI. */
export interface SignerCa {
  ski: string;
  certPem: string;
  cert: X509Certificate;
  /** Just-in-time provisioning: unknown devices signed by this CA are created on first connect. */
  jitp: boolean;
  /** When false, an expired CA still validates device certificates (NervesHub's `check_expiration`). */
  checkExpiration: boolean;
  lastUsedAt: number | null;
}

export interface RegisterCaOptions {
  jitp?: boolean;
  checkExpiration?: boolean;
}

/** A certificate the hub was asked to register could not be used. */
export class HubCertificateError extends Error {
  override readonly name = "HubCertificateError";
}

export class SignerCaRegistry {
  readonly #bySki = new Map<string, SignerCa>();

  register(certPem: string, options: RegisterCaOptions = {}): SignerCa {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(certPem);
    } catch (cause) {
      throw new HubCertificateError("registerCa: not a PEM X.509 certificate", { cause });
    }
    if (!cert.ca) throw new HubCertificateError(`registerCa: "${cert.subject}" is not a CA certificate`);
    const ski = subjectKeyId(certPem);
    if (!ski) throw new HubCertificateError("registerCa: the CA has no subjectKeyIdentifier");
    const ca: SignerCa = {
      ski,
      certPem,
      cert,
      jitp: options.jitp ?? false,
      checkExpiration: options.checkExpiration ?? true,
      lastUsedAt: null,
    };
    this.#bySki.set(ski, ca);
    return ca;
  }

  bySki(ski: string | undefined): SignerCa | undefined {
    return ski === undefined ? undefined : this.#bySki.get(ski);
  }
}
