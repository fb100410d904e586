// Certificate authentication as NervesHub's verify_fun + connect/3 decide it (hub-server.md §2.1),
// evaluated after the TLS handshake: the hub asks for a client certificate but verifies it itself.
import { X509Certificate } from "node:crypto";
import {
  authorityKeyId,
  commonName,
  fingerprintSha1,
  publicKeyFingerprintSha1,
} from "@nerves-hub-ts/dev-pki";
import type { DeviceRecord, StoredCertificate } from "../devices/device-record.js";
import type { DeviceRegistry } from "../devices/registry.js";
import type { SignerCa, SignerCaRegistry } from "./signer-cas.js";

export type CertificateRefusal =
  | "bad_certificate"
  | "device_deleted"
  | "mismatched_cert"
  | "unknown_ca"
  | "invalid_chain"
  | "missing_common_name"
  | "device_not_registered"
  | "unexpected_pubkey";

export type CertificateAuthResult =
  | { ok: true; device: DeviceRecord; jitpCreated: boolean }
  | { ok: false; reason: CertificateRefusal; identifier?: string };

export function storedCertificate(certPem: string): StoredCertificate {
  return {
    fingerprint: fingerprintSha1(certPem),
    publicKeyFingerprint: publicKeyFingerprintSha1(certPem),
    certPem,
  };
}

function chainsTo(cert: X509Certificate, ca: SignerCa, nowMs: number): boolean {
  if (!cert.checkIssued(ca.cert) || !cert.verify(ca.cert.publicKey)) return false;
  const inValidity = (c: X509Certificate) =>
    Date.parse(c.validFrom) <= nowMs && nowMs <= Date.parse(c.validTo);
  if (!inValidity(cert)) return false;
  return !ca.checkExpiration || inValidity(ca.cert);
}

/** Identifies the device presenting `peerDer`, registering its certificate when NervesHub would. */
export function authenticateCertificate(
  peerDer: Buffer,
  devices: DeviceRegistry,
  cas: SignerCaRegistry,
  nowMs: number,
): CertificateAuthResult {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(peerDer);
  } catch {
    return { ok: false, reason: "bad_certificate" };
  }
  const pem = cert.toString();
  const stored = storedCertificate(pem);

  // 1. A known certificate: accepted whatever its expiry or its CA's state.
  const known = devices.byCertificateFingerprint(stored.fingerprint);
  if (known) {
    return known.deleted
      ? { ok: false, reason: "device_deleted", identifier: known.identifier }
      : { ok: true, device: known, jitpCreated: false };
  }

  const cn = commonName(pem);
  const ca = cas.bySki(authorityKeyId(pem));

  // 2. A new certificate for a key some device already has (rotation).
  const sameKey = devices.byPublicKeyFingerprint(stored.publicKeyFingerprint);
  if (sameKey) {
    if (cn !== sameKey.identifier) return { ok: false, reason: "mismatched_cert", identifier: cn };
    if (!ca) return { ok: false, reason: "unknown_ca", identifier: cn };
    if (!chainsTo(cert, ca, nowMs)) return { ok: false, reason: "invalid_chain", identifier: cn };
    ca.lastUsedAt = nowMs;
    devices.addCertificate(sameKey, stored);
    return { ok: true, device: sameKey, jitpCreated: false };
  }

  // 3. A new key: CN names the device; the signer CA must be registered.
  if (!cn) return { ok: false, reason: "missing_common_name" };
  if (!ca) return { ok: false, reason: "unknown_ca", identifier: cn };
  ca.lastUsedAt = nowMs;
  if (!chainsTo(cert, ca, nowMs)) return { ok: false, reason: "invalid_chain", identifier: cn };
  let device = devices.get(cn);
  let jitpCreated = false;
  if (!device) {
    if (!ca.jitp) return { ok: false, reason: "device_not_registered", identifier: cn };
    device = devices.ensure(cn, "jitp").device;
    jitpCreated = true;
  }
  if (device.deleted) return { ok: false, reason: "device_deleted", identifier: cn };
  // One public key per device.
  if (device.certificates.length > 0) return { ok: false, reason: "unexpected_pubkey", identifier: cn };
  devices.addCertificate(device, stored);
  return { ok: true, device, jitpCreated };
}
