import { X509Certificate } from "node:crypto";
import { beforeAll, describe, expect, test } from "vitest";
import { createCa } from "./ca.js";
import { createDeviceCert } from "./device-cert.js";
import { authorityKeyId, subjectKeyId } from "./inspect.js";
import type { PemCredential } from "./issue.js";
import { createServerCert } from "./server-cert.js";
import { mutualTlsHandshake, type ServerSide } from "./test-support/tls-handshake.js";

let ca: PemCredential;
let device: PemCredential;
let server: ServerSide;

beforeAll(async () => {
  ca = await createCa({ commonName: "Dev CA" });
  device = await createDeviceCert(ca, { identifier: "d1" });
  const serverCert = await createServerCert(ca, { commonName: "hub", altNames: ["localhost", "127.0.0.1"] });
  server = { cert: serverCert.certPem, key: serverCert.keyPem, ca: [ca.certPem] };
});

describe("createServerCert", () => {
  test.each([
    ["localhost", { servername: "localhost" }],
    ["127.0.0.1", {}],
  ])("a client trusting the CA verifies the server as %s", async (_name, target) => {
    const result = await mutualTlsHandshake(server, {
      cert: device.certPem,
      key: device.keyPem,
      ca: [ca.certPem],
      ...target,
    });
    expect(result.client).toEqual({ ok: true });
  });

  test("a client refuses it for a name that is not in the SANs", async () => {
    const result = await mutualTlsHandshake(server, {
      cert: device.certPem,
      key: device.keyPem,
      ca: [ca.certPem],
      servername: "hub.example.com",
    });
    expect(result.client).toEqual({ ok: false, code: "ERR_TLS_CERT_ALTNAME_INVALID" });
  });

  test("a client that does not trust the CA refuses it", async () => {
    const result = await mutualTlsHandshake(server, {
      cert: device.certPem,
      key: device.keyPem,
      ca: [(await createCa({ commonName: "Other" })).certPem],
    });
    // The server's chain includes its CA (it also trusts it for client auth), hence "in chain".
    expect(result.client).toEqual({ ok: false, code: "SELF_SIGNED_CERT_IN_CHAIN" });
  });

  test("defaults to loopback SANs and carries serverAuth and AKI = CA SKI", async () => {
    const cert = await createServerCert(ca, { commonName: "hub" });
    const parsed = new X509Certificate(cert.certPem);
    expect(parsed.subjectAltName).toBe("DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1");
    expect(parsed.keyUsage).toEqual(["1.3.6.1.5.5.7.3.1"]);
    expect(parsed.ca).toBe(false);
    expect(authorityKeyId(cert.certPem)).toBe(subjectKeyId(ca.certPem));
  });
});
