import { createCa, createDeviceCert, type PemCredential } from "@nerves-hub-ts/dev-pki";
import { identityContract } from "@nerves-hub-ts/port-contracts";
import { beforeAll } from "vitest";
import { loadCertificateIdentity } from "./certificate-identity.js";

let ca: PemCredential;
let device: PemCredential;

beforeAll(async () => {
  ca = await createCa({ commonName: "Contract Signer CA" });
  device = await createDeviceCert(ca, { identifier: "nerves-contract" });
});

identityContract("loadCertificateIdentity", async () => ({
  identity: await loadCertificateIdentity({
    cert: { pem: device.certPem },
    key: { pem: device.keyPem },
    caCerts: { pem: ca.certPem },
  }),
  invalid: () => loadCertificateIdentity({ cert: { pem: "not a certificate" }, key: { pem: device.keyPem } }),
}));
