import { createHash, createPublicKey, X509Certificate } from "node:crypto";
import { beforeAll, describe, expect, test } from "vitest";
import { createCa } from "./ca.js";
import { createDeviceCert } from "./device-cert.js";
import { DevPkiError } from "./errors.js";
import {
  authorityKeyId,
  commonName,
  fingerprintSha1,
  publicKeyFingerprintSha1,
  subjectKeyId,
} from "./inspect.js";
import type { PemCredential } from "./issue.js";

let ca: PemCredential;
let device: PemCredential;

beforeAll(async () => {
  ca = await createCa({ commonName: "Dev CA" });
  device = await createDeviceCert(ca, { identifier: "nerves-abc" });
});

const sha1 = (data: Buffer) => createHash("sha1").update(data).digest("hex").toUpperCase();

describe("certificate identity helpers", () => {
  test("fingerprintSha1 is Node's SHA-1 fingerprint without colons, stable across calls and CRLF PEM", () => {
    const expected = new X509Certificate(device.certPem).fingerprint.replaceAll(":", "");
    expect(fingerprintSha1(device.certPem)).toBe(expected);
    expect(fingerprintSha1(device.certPem)).toBe(expected);
    expect(fingerprintSha1(device.certPem.replaceAll("\n", "\r\n"))).toBe(expected);
    expect(fingerprintSha1(ca.certPem)).not.toBe(expected);
  });

  test("publicKeyFingerprintSha1 is SHA-1 over the key's DER SubjectPublicKeyInfo", () => {
    const spki = createPublicKey(device.keyPem).export({ type: "spki", format: "der" });
    expect(publicKeyFingerprintSha1(device.certPem)).toBe(sha1(spki));
  });

  test("subjectKeyId is SHA-1 of the public key bits (RFC 5280 method 1); AKI names the CA", () => {
    const spki = createPublicKey(device.keyPem).export({ type: "spki", format: "der" });
    // For P-256 the subjectPublicKey bits are the last 65 bytes: the uncompressed point.
    expect(subjectKeyId(device.certPem)).toBe(sha1(spki.subarray(-65)));
    expect(authorityKeyId(device.certPem)).toBe(subjectKeyId(ca.certPem));
  });

  test("commonName reads the subject CN; helpers read the first certificate of a chain", () => {
    expect(commonName(device.certPem)).toBe("nerves-abc");
    expect(commonName(device.certPem + ca.certPem)).toBe("nerves-abc");
    expect(fingerprintSha1(device.certPem + ca.certPem)).toBe(fingerprintSha1(device.certPem));
  });

  test.each([
    ["fingerprintSha1", fingerprintSha1],
    ["publicKeyFingerprintSha1", publicKeyFingerprintSha1],
    ["subjectKeyId", subjectKeyId],
    ["authorityKeyId", authorityKeyId],
    ["commonName", commonName],
  ])("%s rejects input that is not a certificate with DevPkiError", (_name, helper) => {
    expect(() => helper("not a certificate")).toThrow(new DevPkiError("not a PEM X.509 certificate"));
  });
});
