import { type DeviceRecord, newDeviceRecord } from "./device-record.js";

/** The hub's device table, keyed by identifier. */
export class DeviceRegistry {
  readonly #byId = new Map<string, DeviceRecord>();

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

  byCertificateFingerprint(fingerprint: string): DeviceRecord | undefined {
    return this.all().find((d) => d.certificates.some((c) => c.fingerprint === fingerprint));
  }

  byPublicKeyFingerprint(fingerprint: string): DeviceRecord | undefined {
    return this.all().find((d) => d.certificates.some((c) => c.publicKeyFingerprint === fingerprint));
  }
}
