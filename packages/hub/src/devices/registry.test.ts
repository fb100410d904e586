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

  it("answers a connect's lookups in a fleet of 10,000 without scanning it", () => {
    const registry = new DeviceRegistry();
    for (let n = 0; n < 10_000; n++)
      registry.addCertificate(registry.ensure(`d${n}`, "jitp").device, cert(n));
    const started = performance.now();
    for (let n = 0; n < 10_000; n++) {
      registry.byCertificateFingerprint(`CERT${n}`);
      registry.byPublicKeyFingerprint(`NEW${n}`);
    }
    // A scan per lookup took seconds here; an index takes a few milliseconds.
    expect(performance.now() - started).toBeLessThan(250);
  });
});
