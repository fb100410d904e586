import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createCa,
  createDeviceCert,
  createServerCert,
  type PemCredential,
  type PkiPaths,
  writePkiFiles,
} from "@nerves-hub-ts/dev-pki";
import { IdentityError } from "@nerves-hub-ts/ports";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type CertificateIdentityConfig, loadCertificateIdentity } from "./certificate-identity.js";
import { handshake } from "./test-support/mutual-tls.js";

let dir: string;
let ca: PemCredential;
let hub: { cert: string; key: string; ca: string[] };
let device: PemCredential;
let files: PkiPaths;

beforeAll(async () => {
  ca = await createCa({ commonName: "Dev Signer CA" });
  const server = await createServerCert(ca, { commonName: "hub", altNames: ["localhost", "127.0.0.1"] });
  hub = { cert: server.certPem, key: server.keyPem, ca: [ca.certPem] };
  device = await createDeviceCert(ca, { identifier: "nerves-0042" });
  dir = await mkdtemp(join(tmpdir(), "auth-cert-"));
  files = await writePkiFiles(dir, { ca, server, devices: { "nerves-0042": device } });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const inline = (): CertificateIdentityConfig => ({
  cert: { pem: device.certPem },
  key: { pem: device.keyPem },
  caCerts: { pem: ca.certPem },
});

async function loadError(config: CertificateIdentityConfig): Promise<IdentityError> {
  const error = await loadCertificateIdentity(config).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IdentityError);
  return error as IdentityError;
}

describe("loadCertificateIdentity: happy paths", () => {
  test("reads cert.pem and key.pem from dataPath (the LocalCertKey layout) and a CA file", async () => {
    const identity = await loadCertificateIdentity({
      dataPath: files.devices["nerves-0042"]?.dir,
      caCerts: { path: files.ca.certPath },
      servername: "localhost",
    });
    expect(identity.kind).toBe("certificate");
    expect(identity.identifier()).toBe("nerves-0042");
    expect(await identity.credentials()).toEqual({
      path: "/socket/websocket",
      headers: {},
      tls: { cert: device.certPem, key: device.keyPem, ca: [ca.certPem], servername: "localhost" },
    });
  });

  test("takes PEM strings, and leaves ca unset without caCerts so Node uses its system store", async () => {
    const identity = await loadCertificateIdentity({
      cert: { pem: device.certPem },
      key: { pem: device.keyPem },
    });
    const { tls } = await identity.credentials();
    expect(tls).toEqual({ cert: device.certPem, key: device.keyPem });
    expect(tls && "ca" in tls).toBe(false);
  });

  test("splits a CA bundle into one entry per certificate", async () => {
    const other = await createCa({ commonName: "Other CA" });
    const identity = await loadCertificateIdentity({
      ...inline(),
      caCerts: { pem: ca.certPem + other.certPem },
    });
    expect((await identity.credentials()).tls?.ca).toEqual([ca.certPem, other.certPem]);
  });

  test("appends the signer certificate after the device certificate", async () => {
    const signer = await createCa({ commonName: "NervesKey Signer", issuer: ca });
    const keyDevice = await createDeviceCert(signer, { identifier: "nk-1" });
    const identity = await loadCertificateIdentity({
      cert: { pem: keyDevice.certPem },
      key: { pem: keyDevice.keyPem },
      signerCertPem: signer.certPem,
    });
    expect(identity.identifier()).toBe("nk-1");
    expect((await identity.credentials()).tls?.cert).toBe(keyDevice.certPem + signer.certPem);
  });

  test("passes a PKCS#11 engine key through instead of a key", async () => {
    const identity = await loadCertificateIdentity({
      cert: { pem: device.certPem },
      privateKeyEngine: "pkcs11",
      privateKeyIdentifier: "pkcs11:token=dev;object=device;type=private",
    });
    expect((await identity.credentials()).tls).toEqual({
      cert: device.certPem,
      privateKeyEngine: "pkcs11",
      privateKeyIdentifier: "pkcs11:token=dev;object=device;type=private",
    });
  });
});

describe("loadCertificateIdentity: errors at startup", () => {
  test("a missing default file is named by its path", async () => {
    const error = await loadError({ dataPath: join(dir, "nowhere") });
    expect(error.code).toBe("missing_file");
    expect(error.message).toBe(`cannot read cert file ${join(dir, "nowhere", "cert.pem")} (ENOENT)`);

    const noKey = await loadError({ cert: { pem: device.certPem }, dataPath: join(dir, "nowhere") });
    expect(noKey).toMatchObject({ code: "missing_file", message: expect.stringContaining("key.pem") });
  });

  test("the default data path is /data/nerves-hub", async () => {
    const error = await loadError({});
    expect(error.message).toContain("/data/nerves-hub/cert.pem");
  });

  test("garbage instead of a certificate, CA bundle or key is bad_pem", async () => {
    expect(await loadError({ ...inline(), cert: { pem: "hello" } })).toMatchObject({
      code: "bad_pem",
      message: "config.cert (inline PEM) holds no PEM certificate (BEGIN CERTIFICATE)",
    });
    const corrupt = "-----BEGIN CERTIFICATE-----\nZ2FyYmFnZQ==\n-----END CERTIFICATE-----\n";
    expect(await loadError({ ...inline(), caCerts: { pem: ca.certPem + corrupt } })).toMatchObject({
      code: "bad_pem",
      message: "config.caCerts (inline PEM): certificate 2 of 2 is not a valid X.509 certificate",
    });
    expect(await loadError({ ...inline(), signerCertPem: "nope" })).toMatchObject({ code: "bad_pem" });
  });

  test("a garbage key is bad_pem and the message does not contain the key text", async () => {
    const secret = "-----BEGIN PRIVATE KEY-----\nc3VwZXJzZWNyZXQ=\n-----END PRIVATE KEY-----\n";
    const error = await loadError({ ...inline(), key: { pem: secret } });
    expect(error.code).toBe("bad_pem");
    expect(error.message).toBe("config.key (inline PEM) is not a readable unencrypted PEM private key");
  });

  test("a key that belongs to another certificate is key_mismatch, without key material", async () => {
    const other = await createDeviceCert(ca, { identifier: "someone-else" });
    const error = await loadError({ ...inline(), key: { pem: other.keyPem } });
    expect(error.code).toBe("key_mismatch");
    expect(error.message).toBe(
      "the private key from config.key (inline PEM) does not belong to the certificate from config.cert (inline PEM)",
    );
    expect(error.message).not.toContain("PRIVATE KEY");

    const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({
      type: "pkcs8",
      format: "pem",
    });
    expect(await loadError({ ...inline(), key: { pem: rsa.toString() } })).toMatchObject({
      code: "key_mismatch",
    });
  });

  test("an expired certificate is refused with its dates; checkValidity: false allows it", async () => {
    const old = await createDeviceCert(ca, {
      identifier: "old",
      notBefore: new Date("2020-01-01T00:00:00Z"),
      notAfter: new Date("2021-01-01T00:00:00Z"),
    });
    const config = { cert: { pem: old.certPem }, key: { pem: old.keyPem } };
    const error = await loadError({ ...config, clock: { now: () => Date.parse("2022-06-01T00:00:00Z") } });
    expect(error).toMatchObject({
      code: "expired",
      message:
        "the certificate from config.cert (inline PEM) expired " +
        "(valid from 2020-01-01T00:00:00.000Z to 2021-01-01T00:00:00.000Z, now 2022-06-01T00:00:00.000Z)",
    });
    const accepted = await loadCertificateIdentity({ ...config, checkValidity: false });
    expect(accepted.identifier()).toBe("old");
  });

  test("validity is judged by the injected clock", async () => {
    const config = { ...inline(), clock: { now: () => Date.parse("2000-01-01T00:00:00Z") } };
    const error = await loadError(config);
    expect(error.code).toBe("not_yet_valid");
    expect(error.message).toMatch(/is not valid yet at 2000-01-01T00:00:00.000Z \(valid from \S+ to \S+\)$/);
  });

  test("engine settings must come as a pair and not with a key", async () => {
    expect(await loadError({ ...inline(), key: undefined, privateKeyEngine: "pkcs11" })).toMatchObject({
      code: "missing_setting",
    });
    expect(
      await loadError({ ...inline(), privateKeyEngine: "pkcs11", privateKeyIdentifier: "pkcs11:x" }),
    ).toMatchObject({
      code: "bad_setting",
    });
  });
});

describe("credentials over a real mutual-TLS handshake", () => {
  test("files from the data path authenticate the device to a server that requires client certs", async () => {
    const identity = await loadCertificateIdentity({
      dataPath: files.devices["nerves-0042"]?.dir,
      caCerts: { path: files.ca.certPath },
      servername: "localhost",
    });
    const { tls } = await identity.credentials();
    expect(await handshake(hub, tls ?? {})).toEqual({
      serverAccepted: true,
      peerCommonName: "nerves-0042",
      client: { ok: true },
    });
  });

  test("a device under a signer CA is accepted over TLS 1.2 only when the signer is in its chain", async () => {
    const signer = await createCa({ commonName: "NervesKey Signer", issuer: ca });
    const keyDevice = await createDeviceCert(signer, { identifier: "nk-7" });
    const base = {
      cert: { pem: keyDevice.certPem },
      key: { pem: keyDevice.keyPem },
      caCerts: { pem: ca.certPem },
    };
    const tls12 = { maxVersion: "TLSv1.2" } as const;

    const withSigner = await loadCertificateIdentity({ ...base, signerCertPem: signer.certPem });
    expect(await handshake(hub, (await withSigner.credentials()).tls ?? {}, tls12)).toMatchObject({
      serverAccepted: true,
      peerCommonName: "nk-7",
    });
    const withoutSigner = await loadCertificateIdentity(base);
    expect(await handshake(hub, (await withoutSigner.credentials()).tls ?? {}, tls12)).toMatchObject({
      serverAccepted: false,
    });
  });

  test("without caCerts the system store is used, which does not trust a development hub", async () => {
    const identity = await loadCertificateIdentity({
      cert: { pem: device.certPem },
      key: { pem: device.keyPem },
    });
    const outcome = await handshake(hub, (await identity.credentials()).tls ?? {});
    expect(outcome.client).toEqual({ ok: false, code: "SELF_SIGNED_CERT_IN_CHAIN" });
  });
});
