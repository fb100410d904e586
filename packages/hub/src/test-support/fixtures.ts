import { createCa, createDeviceCert, createServerCert, type PemCredential } from "@nerves-hub-ts/dev-pki";
import { signSharedSecret } from "@nerves-hub-ts/nh1-token";

export interface TestPki {
  ca: PemCredential;
  server: PemCredential;
  /** A second CA the hub never registers. */
  strangerCa: PemCredential;
}

/** A CA, a loopback server certificate and an unregistered CA (P-256, in memory). */
export async function testPki(): Promise<TestPki> {
  const ca = await createCa({ commonName: "hub test signer CA" });
  const server = await createServerCert(ca, { commonName: "127.0.0.1" });
  const strangerCa = await createCa({ commonName: "stranger CA" });
  return { ca, server, strangerCa };
}

export function deviceCert(ca: PemCredential, identifier: string): Promise<PemCredential> {
  return createDeviceCert(ca, { identifier });
}

export const PRODUCT_KEY = "nhp_test-product-key";
export const PRODUCT_SECRET = "test-product-secret-0123456789abcdefghijklm";

/** x-nh-* headers signed now (or `offsetSeconds` from now). */
export function sharedSecretHeaders(
  identifier: string,
  options: { key?: string; secret?: string; offsetSeconds?: number } = {},
): Record<string, string> {
  return {
    ...signSharedSecret({
      key: options.key ?? PRODUCT_KEY,
      secret: options.secret ?? PRODUCT_SECRET,
      identifier,
      signedAtSeconds: Math.floor(Date.now() / 1000) + (options.offsetSeconds ?? 0),
    }),
  };
}

export const FIRMWARE_PARAMS = {
  nerves_fw_uuid: "11111111-1111-1111-1111-111111111111",
  nerves_fw_product: "widget",
  nerves_fw_version: "1.0.0",
  nerves_fw_platform: "rpi4",
  nerves_fw_architecture: "arm",
  nerves_fw_author: "ACME",
};
