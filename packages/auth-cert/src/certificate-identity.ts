import { join } from "node:path";
import {
  type Clock,
  type Credentials,
  type Identity,
  IdentityError,
  type TlsCredentials,
} from "@nerves-hub-ts/ports";
import { parseCertificates } from "./pem-certificates.js";
import { type PemSource, readPemSource } from "./pem-source.js";
import { assertKeyMatches, parsePrivateKey } from "./private-key.js";
import type { x509 } from "./x509.js";

export interface CertificateIdentityConfig {
  /** Directory of the default `cert.pem` and `key.pem` (nerves_hub_link's LocalCertKey). Default `/data/nerves-hub`. */
  dataPath?: string;
  /** Device certificate, optionally followed by its chain. Default `<dataPath>/cert.pem`. */
  cert?: PemSource;
  /** Private key (PKCS#8, SEC1 or PKCS#1 PEM). Default `<dataPath>/key.pem`. Not allowed with `privateKeyEngine`. */
  key?: PemSource;
  /**
   * OpenSSL engine holding a non-exportable key (PKCS#11), with `privateKeyIdentifier` (e.g. a `pkcs11:` URI).
   * The key never reaches this process, so it cannot be checked against the certificate here; a wrong key
   * shows up as a failed handshake.
   */
  privateKeyEngine?: string;
  privateKeyIdentifier?: string;
  /** CAs that verify the hub's server certificate. Absent: Node's default (system) CA store. */
  caCerts?: PemSource;
  /** Signer certificate(s) sent after the device certificate, as a NervesKey device does. */
  signerCertPem?: string;
  /** SNI and certificate check name, when it differs from the URL host. */
  servername?: string;
  /**
   * Refuse to start with an expired or not-yet-valid device certificate. Default true. NervesHub does not
   * re-check the expiry of a certificate it already knows, so a fleet with expired certificates may need false.
   */
  checkValidity?: boolean;
  clock?: Pick<Clock, "now">;
}

export interface CertificateIdentity extends Identity {
  readonly kind: "certificate";
}

const DEFAULT_DATA_PATH = "/data/nerves-hub";

/**
 * Loads and checks the device certificate and key up front, so misconfiguration fails at startup with an
 * IdentityError (`missing_file`, `bad_pem`, `expired`, `not_yet_valid`, `key_mismatch`, `missing_setting`,
 * `bad_setting`). The loaded material is kept; files are not re-read per connection.
 */
export async function loadCertificateIdentity(
  config: CertificateIdentityConfig = {},
): Promise<CertificateIdentity> {
  const keySource = resolveKeySource(config);
  const dataPath = config.dataPath ?? DEFAULT_DATA_PATH;

  const certSource = await readPemSource(config.cert ?? { path: join(dataPath, "cert.pem") }, "cert");
  const chain = parseCertificates(certSource);
  const signer =
    config.signerCertPem === undefined
      ? undefined
      : parseCertificates({ text: config.signerCertPem, origin: "config.signerCertPem" });
  const ca = config.caCerts
    ? parseCertificates(await readPemSource(config.caCerts, "caCerts")).pems
    : undefined;

  const leaf = chain.first.certificate;
  const identifier = leaf.subjectName.getField("CN")[0];
  if (!identifier) {
    throw new IdentityError(
      "bad_setting",
      `the certificate from ${certSource.origin} has no subject CN; NervesHub identifies a new device by it`,
    );
  }
  if (config.checkValidity ?? true) {
    assertValidAt(leaf, (config.clock ?? Date).now(), certSource.origin);
  }

  const tls: TlsCredentials = { cert: [...chain.pems, ...(signer?.pems ?? [])].join("") };
  if (keySource.kind === "engine") {
    tls.privateKeyEngine = keySource.engine;
    tls.privateKeyIdentifier = keySource.identifier;
  } else {
    const key = await readPemSource(keySource.source ?? { path: join(dataPath, "key.pem") }, "key");
    assertKeyMatches(chain.first.pem, certSource.origin, parsePrivateKey(key), key.origin);
    tls.key = key.text;
  }
  if (ca) tls.ca = ca;
  if (config.servername !== undefined) tls.servername = config.servername;

  return {
    kind: "certificate",
    identifier: () => identifier,
    credentials: async (): Promise<Credentials> => ({
      path: "/socket/websocket",
      headers: {},
      tls: { ...tls, ...(tls.ca ? { ca: [...tls.ca] } : {}) },
    }),
  };
}

type KeySource =
  | { kind: "pem"; source: PemSource | undefined }
  | { kind: "engine"; engine: string; identifier: string };

function resolveKeySource(config: CertificateIdentityConfig): KeySource {
  const { privateKeyEngine: engine, privateKeyIdentifier: identifier } = config;
  if (engine === undefined && identifier === undefined) return { kind: "pem", source: config.key };
  if (!engine || !identifier) {
    throw new IdentityError(
      "missing_setting",
      "privateKeyEngine and privateKeyIdentifier must be given together (e.g. pkcs11 and a pkcs11: URI)",
    );
  }
  if (config.key) {
    throw new IdentityError(
      "bad_setting",
      "give either key or privateKeyEngine/privateKeyIdentifier, not both",
    );
  }
  return { kind: "engine", engine, identifier };
}

function assertValidAt(cert: x509.X509Certificate, nowMs: number, origin: string): void {
  const validity = `valid from ${cert.notBefore.toISOString()} to ${cert.notAfter.toISOString()}`;
  const now = new Date(nowMs).toISOString();
  if (nowMs < cert.notBefore.getTime()) {
    throw new IdentityError(
      "not_yet_valid",
      `the certificate from ${origin} is not valid yet at ${now} (${validity})`,
    );
  }
  if (nowMs > cert.notAfter.getTime()) {
    throw new IdentityError("expired", `the certificate from ${origin} expired (${validity}, now ${now})`);
  }
}
