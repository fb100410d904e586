// Certificate authentication over real TLS: the hub asks for a client certificate and decides itself.
import { createCa, createDeviceCert } from "@nerves-hub-ts/dev-pki";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Hub, startHub } from "../hub.js";
import { deviceCert, type TestPki, testPki } from "../test-support/fixtures.js";
import { type RawOutcome, rawConnect } from "../test-support/phoenix-device.js";

let pki: TestPki;
let hub: Hub;

beforeAll(async () => {
  pki = await testPki();
  hub = await startHub({ tls: { certPem: pki.server.certPem, keyPem: pki.server.keyPem } });
  hub.registerCa(pki.ca.certPem); // no JITP: devices must be registered first
});
afterAll(() => hub.close());

async function connect(cred: { certPem: string; keyPem: string }, chainPem = ""): Promise<RawOutcome> {
  const r = await rawConnect(`${hub.deviceUrl()}?vsn=2.0.0`, {
    cert: cred.certPem + chainPem,
    key: cred.keyPem,
    ca: pki.ca.certPem,
  });
  if (r.kind === "open") r.ws.close();
  return r;
}

describe("certificate authentication", () => {
  it("accepts a registered device's first certificate from a registered CA and stores it", async () => {
    hub.registerDevice("cert-dev-1");
    const cred = await deviceCert(pki.ca, "cert-dev-1");
    expect((await connect(cred)).kind).toBe("open");
    expect(hub.device("cert-dev-1")?.certificates).toHaveLength(1);
    // Known now: identified by fingerprint on the next connection.
    expect((await connect(cred)).kind).toBe("open");
  });

  it("refuses a device signed by a registered non-JITP CA that is not registered", async () => {
    const r = await connect(await deviceCert(pki.ca, "stranger-device"));
    expect(r).toMatchObject({ kind: "refused", status: 401, body: "" });
    expect(hub.device("stranger-device")).toBeUndefined();
  });

  it("refuses certificates from an unknown CA with 401", async () => {
    hub.registerDevice("unknown-ca-dev");
    const r = await connect(await deviceCert(pki.strangerCa, "unknown-ca-dev"));
    expect(r).toMatchObject({ kind: "refused", status: 401 });
  });

  it("accepts a pre-registered certificate even though its CA was never registered", async () => {
    const cred = await deviceCert(pki.strangerCa, "preloaded");
    hub.registerDevice("preloaded", { certPem: cred.certPem });
    expect((await connect(cred)).kind).toBe("open");
    expect(hub.device("preloaded")?.auth).toBe("certificate");
  });

  it("allows one public key per device: a second key is refused, a reissued cert for the same key is stored", async () => {
    hub.registerDevice("one-key");
    const first = await deviceCert(pki.ca, "one-key");
    expect((await connect(first)).kind).toBe("open");
    expect(await connect(await deviceCert(pki.ca, "one-key"))).toMatchObject({
      kind: "refused",
      status: 401,
    });
    const reissued = await createDeviceCert(pki.ca, { identifier: "one-key", keyPem: first.keyPem });
    expect((await connect(reissued)).kind).toBe("open");
    expect(hub.device("one-key")?.certificates).toHaveLength(2);
  });

  it("refuses a reissued certificate whose CN names another device", async () => {
    hub.registerDevice("rot-a");
    const a = await deviceCert(pki.ca, "rot-a");
    expect((await connect(a)).kind).toBe("open");
    const renamed = await createDeviceCert(pki.ca, { identifier: "rot-b", keyPem: a.keyPem });
    expect(await connect(renamed)).toMatchObject({ kind: "refused", status: 401 });
  });

  it("creates devices on first connect for a JITP CA, chained through an intermediate", async () => {
    const signer = await createCa({ commonName: "signer", issuer: pki.ca });
    hub.registerCa(signer.certPem, { jitp: true });
    const registered = hub.waitFor((e) => e.type === "device_registered" && e.identifier === "jitp-dev");
    const cred = await createDeviceCert(signer, { identifier: "jitp-dev" });
    expect((await connect(cred, signer.certPem)).kind).toBe("open");
    await expect(registered).resolves.toMatchObject({ via: "jitp" });
  });

  it("refuses an expired certificate that is not known yet, accepts it once registered, refuses deleted devices", async () => {
    hub.registerDevice("expired");
    const expired = await createDeviceCert(pki.ca, {
      identifier: "expired",
      notBefore: new Date(Date.now() - 2 * 86_400_000),
      notAfter: new Date(Date.now() - 86_400_000),
    });
    expect(await connect(expired)).toMatchObject({ kind: "refused", status: 401 });
    // Once known (uploaded by an operator), expiry is no longer checked.
    hub.registerDevice("expired", { certPem: expired.certPem });
    expect((await connect(expired)).kind).toBe("open");
    hub.deleteDevice("expired");
    expect(await connect(expired)).toMatchObject({ kind: "refused", status: 401 });
  });
});
