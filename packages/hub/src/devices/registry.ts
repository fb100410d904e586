import { type DeviceRecord, newDeviceRecord, type StoredCertificate } from "./device-record.js";

/**
 * The hub's device table, keyed by identifier, with certificate indexes: certificate
 * authentication looks devices up on every connect, which must not cost a scan of the fleet.
 */
export class DeviceRegistry {
  readonly #byId = new Map<string, DeviceRecord>();
  readonly #byCertificate = new Map<string, DeviceRecord>();
  readonly #byPublicKey = new Map<string, DeviceRecord>();

  get(identifier: string): DeviceRecord | undefined {
    return this.#byId.get(identifier);
  }

  /** The device, or a new record created with `createdVia`. */
  ensure(
    identifier: string,
    createdVia: DeviceRecord["createdVia"],
  ): { device: DeviceRecord; created: boolean } {
    const existing = this.#byId.get(identifier);
    if (existing) return { device: existing, created: false };
    const device = newDeviceRecord(identifier, createdVia);
    this.#byId.set(identifier, device);
    return { device, created: true };
  }

  all(): DeviceRecord[] {
    return [...this.#byId.values()];
  }

  /** Stores a certificate on a device (once per fingerprint) and indexes it. */
  addCertificate(device: DeviceRecord, certificate: StoredCertificate): void {
    if (device.certificates.some((c) => c.fingerprint === certificate.fingerprint)) return;
    device.certificates.push(certificate);
    if (!this.#byCertificate.has(certificate.fingerprint))
      this.#byCertificate.set(certificate.fingerprint, device);
    if (!this.#byPublicKey.has(certificate.publicKeyFingerprint))
      this.#byPublicKey.set(certificate.publicKeyFingerprint, device);
  }

  byCertificateFingerprint(fingerprint: string): DeviceRecord | undefined {
    return this.#byCertificate.get(fingerprint);
  }

  byPublicKeyFingerprint(fingerprint: string): DeviceRecord | undefined {
    return this.#byPublicKey.get(fingerprint);
  }
}
