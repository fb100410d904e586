import { createCa, createDeviceCert, type PemCredential } from "@nerves-hub-ts/dev-pki";
import { beforeAll, describe, expect, it } from "vitest";
import { sharedSecureContext } from "./secure-context-cache.js";

let ca: PemCredential;
let deviceA: PemCredential;
let deviceB: PemCredential;

beforeAll(async () => {
  ca = await createCa({ commonName: "context cache CA" });
  deviceA = await createDeviceCert(ca, { identifier: "device-a" });
  deviceB = await createDeviceCert(ca, { identifier: "device-b" });
});

/** The same text in a fresh string, as a second config or identity would hold it. */
const copy = (pem: string) => pem.split("").join("");

describe("sharedSecureContext", () => {
  it("hands every connection with the same material one context, whichever objects hold it", () => {
    const first = sharedSecureContext({ ca: [ca.certPem], servername: "hub.a", rejectUnauthorized: true });
    const second = sharedSecureContext({ ca: [copy(ca.certPem)], servername: "hub.b" });
    expect(second).toBe(first);
    const withCert = { ca: [ca.certPem], cert: deviceA.certPem, key: deviceA.keyPem };
    expect(sharedSecureContext({ ...withCert })).toBe(sharedSecureContext({ ...withCert }));
  });

  it("makes a separate context for other material or other protocol versions", () => {
    const base = sharedSecureContext({ ca: [ca.certPem] });
    const a = sharedSecureContext({ ca: [ca.certPem], cert: deviceA.certPem, key: deviceA.keyPem });
    const b = sharedSecureContext({ ca: [ca.certPem], cert: deviceB.certPem, key: deviceB.keyPem });
    const tls13 = sharedSecureContext({ ca: [ca.certPem], minVersion: "TLSv1.3" });
    expect(new Set([base, a, b, tls13]).size).toBe(4);
  });

  it("throws for material Node cannot use, and caches nothing for it", () => {
    const mismatched = { cert: deviceA.certPem, key: deviceB.keyPem };
    expect(() => sharedSecureContext(mismatched)).toThrow(/key values mismatch/i);
    expect(() => sharedSecureContext(mismatched)).toThrow(/key values mismatch/i);
  });
});
