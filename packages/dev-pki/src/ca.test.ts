import { createPrivateKey, X509Certificate } from "node:crypto";
import { describe, expect, test } from "vitest";
import { createCa } from "./ca.js";
import { createDeviceCert } from "./device-cert.js";
import { DevPkiError } from "./errors.js";
import { authorityKeyId, subjectKeyId } from "./inspect.js";

describe("createCa", () => {
  test("makes a self-signed P-256 root CA whose AKI equals its SKI", async () => {
    const ca = await createCa({ commonName: "Dev Root" });
    const parsed = new X509Certificate(ca.certPem);
    expect(parsed.ca).toBe(true);
    expect(parsed.subject).toBe("CN=Dev Root");
    expect(parsed.issuer).toBe("CN=Dev Root");
    expect(parsed.verify(parsed.publicKey)).toBe(true);
    expect(parsed.publicKey.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
    expect(parsed.checkPrivateKey(createPrivateKey(ca.keyPem))).toBe(true);
    expect(subjectKeyId(ca.certPem)).toMatch(/^[0-9A-F]{40}$/);
    expect(authorityKeyId(ca.certPem)).toBe(subjectKeyId(ca.certPem));
    expect(ca.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
  });

  test("defaults to ten years, starting a few minutes in the past", async () => {
    const before = Date.now();
    const parsed = new X509Certificate((await createCa({ commonName: "Dev Root" })).certPem);
    const from = Date.parse(parsed.validFrom);
    expect(from).toBeLessThan(before);
    expect(from).toBeGreaterThan(before - 10 * 60_000);
    expect(Date.parse(parsed.validTo) - from).toBe(3650 * 86_400_000);
  });

  test("with an issuer makes an intermediate signer CA chained to it", async () => {
    const root = await createCa({ commonName: "Root" });
    const signer = await createCa({ commonName: "Signer", issuer: root });
    const parsed = new X509Certificate(signer.certPem);
    expect(parsed.ca).toBe(true);
    expect(parsed.issuer).toBe("CN=Root");
    expect(parsed.checkIssued(new X509Certificate(root.certPem))).toBe(true);
    expect(parsed.verify(new X509Certificate(root.certPem).publicKey)).toBe(true);
    expect(authorityKeyId(signer.certPem)).toBe(subjectKeyId(root.certPem));
    expect(subjectKeyId(signer.certPem)).not.toBe(subjectKeyId(root.certPem));
  });

  test("refuses an issuer that is not a CA or whose key does not match", async () => {
    const root = await createCa({ commonName: "Root" });
    const other = await createCa({ commonName: "Other" });
    await expect(
      createCa({ commonName: "X", issuer: { certPem: root.certPem, keyPem: other.keyPem } }),
    ).rejects.toThrow(new DevPkiError('the issuer key does not belong to the issuer certificate "CN=Root"'));
    const leaf = await createDeviceCert(root, { identifier: "leaf" });
    await expect(createCa({ commonName: "X", issuer: leaf })).rejects.toThrow(
      /"CN=leaf" is not a CA certificate/,
    );
  });

  test("rejects a non-positive lifetime", async () => {
    await expect(createCa({ commonName: "X", validDays: 0 })).rejects.toThrow(DevPkiError);
  });
});
