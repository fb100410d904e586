// One identity per simulated device: a product-key shared secret (the hub creates the device on
// first connect) or a device certificate signed by a dev CA the hub trusts for JITP.
import { loadCertificateIdentity } from "@nerves-hub-ts/auth-cert";
import { sharedSecretIdentity } from "@nerves-hub-ts/auth-shared-secret";
import { createDeviceCert, type PemCredential } from "@nerves-hub-ts/dev-pki";
import type { Clock, Identity } from "@nerves-hub-ts/ports";

/** Makes the identity of the device with this identifier; certificates are issued lazily, at ramp time. */
export type IdentitySource = (identifier: string) => Promise<Identity>;

export interface ProductKey {
  key: string;
  secret: string;
}

export function sharedSecretIdentities(product: ProductKey, clock: Pick<Clock, "now">): IdentitySource {
  return async (identifier) =>
    sharedSecretIdentity({ productKey: product.key, productSecret: product.secret, identifier, clock });
}

/** Issues a fresh P-256 device certificate per device, signed by `signer`. */
export function certificateIdentities(signer: PemCredential, clock: Pick<Clock, "now">): IdentitySource {
  return async (identifier) => {
    const device = await createDeviceCert(signer, { identifier });
    return loadCertificateIdentity({ cert: { pem: device.certPem }, key: { pem: device.keyPem }, clock });
  };
}

/** `sim-00042`: identifiers sort in fleet order. */
export function simIdentifier(prefix: string, index: number, count: number): string {
  return `${prefix}-${String(index + 1).padStart(Math.max(5, String(count).length), "0")}`;
}
