import { describe, expect, it } from "vitest";
import type { StoredCertificate } from "./device-record.js";
import { DeviceRegistry } from "./registry.js";

const cert = (n: number): StoredCertificate => ({
  fingerprint: `CERT${n}`,
  publicKeyFingerprint: `KEY${n}`,
  certPem: "",
});

describe("DeviceRegistry certificate lookups", () => {
  it("finds the device holding a certificate or its public key", () => {
    const registry = new DeviceRegistry();
    const a = registry.ensure("a", "operator").device;
    const b = registry.ensure("b", "jitp").device;
    registry.addCertificate(a, cert(1));
    registry.addCertificate(b, cert(2));
    registry.addCertificate(b, cert(2));
    expect(registry.byCertificateFingerprint("CERT2")).toBe(b);
    expect(registry.byPublicKeyFingerprint("KEY1")).toBe(a);
    expect(registry.byCertificateFingerprint("CERT3")).toBeUndefined();
    expect(b.certificates).toEqual([cert(2)]);
  });

  it("indexes every certificate of a large fleet and finds none that is not registered", () => {
    const registry = new DeviceRegistry();
    for (let n = 0; n < 1000; n++) registry.addCertificate(registry.ensure(`d${n}`, "jitp").device, cert(n));
    for (let n = 0; n < 1000; n++) {
      expect(registry.byCertificateFingerprint(`CERT${n}`)?.identifier).toBe(`d${n}`);
      expect(registry.byPublicKeyFingerprint(`KEY${n}`)?.identifier).toBe(`d${n}`);
      expect(registry.byPublicKeyFingerprint(`NEW${n}`)).toBeUndefined();
    }
  });
});
