import { generateKeyPairSync, X509Certificate } from "node:crypto";
import { beforeAll, describe, expect, test } from "vitest";
import { createCa } from "./ca.js";
import { createDeviceCert } from "./device-cert.js";
import { DevPkiError } from "./errors.js";
import { authorityKeyId, fingerprintSha1, publicKeyFingerprintSha1, subjectKeyId } from "./inspect.js";
import type { PemCredential } from "./issue.js";
import { createServerCert } from "./server-cert.js";
import { mutualTlsHandshake, type ServerSide } from "./test-support/tls-handshake.js";

let ca: PemCredential;
let server: ServerSide;

beforeAll(async () => {
  ca = await createCa({ commonName: "Device Signer CA" });
  const serverCert = await createServerCert(ca, { commonName: "hub.local" });
  server = { cert: serverCert.certPem, key: serverCert.keyPem, ca: [ca.certPem] };
});

function asClient(device: PemCredential) {
  return { cert: device.certPem, key: device.keyPem, ca: [ca.certPem], servername: "localhost" };
}

describe("createDeviceCert over real mutual TLS", () => {
  test("a server trusting the CA authorizes the device and sees its identifier as CN", async () => {
    const device = await createDeviceCert(ca, { identifier: "nerves-1234" });
    const result = await mutualTlsHandshake(server, asClient(device));
    expect(result.server).toEqual({ accepted: true, authorized: true, peerCommonName: "nerves-1234" });
    expect(result.client).toEqual({ ok: true });
  });

  test("a device certificate from another CA is refused", async () => {
    const otherCa = await createCa({ commonName: "Someone Else CA" });
    const device = await createDeviceCert(otherCa, { identifier: "nerves-1234" });
    const result = await mutualTlsHandshake(server, asClient(device));
    expect(result.server.accepted).toBe(false);
    expect(result.client.ok).toBe(false);
    const lenient = await mutualTlsHandshake({ ...server, rejectUnauthorized: false }, asClient(device));
    expect(lenient.server).toMatchObject({
      authorized: false,
      authorizationError: "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    });
  });

  test("an expired device certificate is refused and carries the requested dates", async () => {
    const notBefore = new Date("2020-01-01T00:00:00Z");
    const notAfter = new Date("2021-01-01T00:00:00Z");
    const device = await createDeviceCert(ca, { identifier: "old", notBefore, notAfter });
    const parsed = new X509Certificate(device.certPem);
    expect(new Date(parsed.validFrom)).toEqual(notBefore);
    expect(new Date(parsed.validTo)).toEqual(notAfter);
    expect((await mutualTlsHandshake(server, asClient(device))).server.accepted).toBe(false);
    const lenient = await mutualTlsHandshake({ ...server, rejectUnauthorized: false }, asClient(device));
    expect(lenient.server).toMatchObject({ authorized: false, authorizationError: "CERT_HAS_EXPIRED" });
  });

  test("a not-yet-valid device certificate is refused", async () => {
    const notBefore = new Date(Date.now() + 86_400_000);
    const device = await createDeviceCert(ca, { identifier: "future", notBefore, validDays: 30 });
    expect(new Date(new X509Certificate(device.certPem).validTo)).toEqual(
      new Date(Math.floor(notBefore.getTime() / 1000) * 1000 + 30 * 86_400_000),
    );
    expect((await mutualTlsHandshake(server, asClient(device))).server.accepted).toBe(false);
    const lenient = await mutualTlsHandshake({ ...server, rejectUnauthorized: false }, asClient(device));
    expect(lenient.server).toMatchObject({ authorized: false, authorizationError: "CERT_NOT_YET_VALID" });
  });

  test("a device under an intermediate signer CA is accepted when it sends device + signer as its chain", async () => {
    const signer = await createCa({ commonName: "NervesKey Signer", issuer: ca });
    const device = await createDeviceCert(signer, { identifier: "nerves-key-1" });
    const withChain = { ...asClient(device), cert: device.certPem + signer.certPem };
    expect((await mutualTlsHandshake(server, withChain)).server).toEqual({
      accepted: true,
      authorized: true,
      peerCommonName: "nerves-key-1",
    });
    const withoutChain = await mutualTlsHandshake(server, asClient(device));
    expect(withoutChain.server.accepted).toBe(false);
  });
});

describe("createDeviceCert contents", () => {
  test("is a clientAuth leaf whose AKI is the CA's SKI", async () => {
    const device = await createDeviceCert(ca, { identifier: "nerves-1" });
    const parsed = new X509Certificate(device.certPem);
    expect(parsed.subject).toBe("CN=nerves-1");
    expect(parsed.ca).toBe(false);
    expect(parsed.keyUsage).toEqual(["1.3.6.1.5.5.7.3.2"]);
    expect(parsed.checkIssued(new X509Certificate(ca.certPem))).toBe(true);
    expect(authorityKeyId(device.certPem)).toBe(subjectKeyId(ca.certPem));
  });

  test("keeps an identifier with DN special characters intact", async () => {
    const device = await createDeviceCert(ca, { identifier: "a,b=c+d" });
    const result = await mutualTlsHandshake(server, asClient(device));
    expect(result.server).toMatchObject({ accepted: true, peerCommonName: "a,b=c+d" });
  });

  test("reuses a given key: same public key fingerprint, new certificate fingerprint", async () => {
    const first = await createDeviceCert(ca, { identifier: "rotating" });
    const second = await createDeviceCert(ca, { identifier: "rotating", keyPem: first.keyPem });
    expect(publicKeyFingerprintSha1(second.certPem)).toBe(publicKeyFingerprintSha1(first.certPem));
    expect(fingerprintSha1(second.certPem)).not.toBe(fingerprintSha1(first.certPem));
    expect((await mutualTlsHandshake(server, asClient(second))).server.accepted).toBe(true);
  });

  test("accepts an SEC1 ('EC PRIVATE KEY') P-256 key and returns it as PKCS#8", async () => {
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const sec1 = privateKey.export({ type: "sec1", format: "pem" }).toString();
    const device = await createDeviceCert(ca, { identifier: "sec1", keyPem: sec1 });
    expect(device.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(new X509Certificate(device.certPem).checkPrivateKey(privateKey)).toBe(true);
  });

  test("rejects keys it cannot use without echoing them", async () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 })
      .privateKey.export({ type: "pkcs8", format: "pem" })
      .toString();
    await expect(createDeviceCert(ca, { identifier: "x", keyPem: rsa })).rejects.toThrow(
      new DevPkiError("dev-pki only handles ECDSA P-256 keys, got rsa"),
    );
    const garbage = "-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----\n";
    const error = await createDeviceCert(ca, { identifier: "x", keyPem: garbage }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DevPkiError);
    expect(String(error)).not.toContain("c2VjcmV0");
  });

  test("rejects an empty identifier and an inverted validity", async () => {
    await expect(createDeviceCert(ca, { identifier: " " })).rejects.toThrow(/commonName must not be empty/);
    const notBefore = new Date("2030-01-01T00:00:00Z");
    await expect(
      createDeviceCert(ca, { identifier: "x", notBefore, notAfter: new Date("2029-01-01T00:00:00Z") }),
    ).rejects.toThrow(/notAfter .* must be after notBefore/);
  });
});
