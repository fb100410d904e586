// The embedded hub: packages/hub started in this process over TLS with a throw-away PKI, a product
// key for shared-secret devices, the dev CA registered for JITP certificate devices, and a signing
// key so devices that ask for fwup keys get one.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { createCa, createServerCert, type PemCredential } from "@nerves-hub-ts/dev-pki";
import { type Hub, startHub } from "@nerves-hub-ts/hub";
import type { ProductKey } from "../identities.js";
import { deviceView, type HubControl } from "./hub-control.js";

export interface EmbeddedHub {
  hub: Hub;
  /** `wss://127.0.0.1:<port>`; the device's identity picks the socket path. */
  url: string;
  ca: PemCredential;
  productKey: ProductKey;
  control: HubControl;
  close(): Promise<void>;
}

/** A base64 Ed25519 public key, the shape fwup signing keys have. */
export function freshSigningKey(): string {
  const { publicKey } = generateKeyPairSync("ed25519");
  // The SPKI DER of an Ed25519 key ends with the 32 raw key bytes.
  return publicKey.export({ format: "der", type: "spki" }).subarray(-32).toString("base64");
}

export interface EmbeddedHubOptions {
  /** Bearer token for the operator API; random when absent. */
  operatorToken?: string;
}

export async function startEmbeddedHub(options: EmbeddedHubOptions = {}): Promise<EmbeddedHub> {
  const ca = await createCa({ commonName: "nerves-hub-ts simulator CA" });
  const server = await createServerCert(ca, { commonName: "localhost" });
  const hub = await startHub({
    tls: { certPem: server.certPem, keyPem: server.keyPem },
    ...(options.operatorToken ? { operatorToken: options.operatorToken } : {}),
  });
  const productKey = {
    key: `nhp_sim${randomBytes(6).toString("hex")}`,
    secret: randomBytes(24).toString("base64url"),
  };
  hub.addProductKey(productKey.key, productKey.secret);
  hub.registerCa(ca.certPem, { jitp: true });
  hub.addSigningKey(freshSigningKey());
  return {
    hub,
    url: `wss://127.0.0.1:${hub.port}`,
    ca,
    productKey,
    control: embeddedControl(hub),
    close: () => hub.close(),
  };
}

export function embeddedControl(hub: Hub): HubControl {
  return {
    async addFirmware(bytes, meta) {
      const record = await hub.addFirmware(bytes, meta);
      return { uuid: record.uuid, version: record.meta.version ?? meta.version, size: record.size };
    },
    async deployToAll(uuid) {
      return hub.deploy(uuid, { to: "all" }).sentTo.length;
    },
    async dropAll() {
      return hub.dropAll();
    },
    async throttleDownloads(uuid, bytesPerSecond) {
      hub.injectFault({ firmwareUuid: uuid }, { bytesPerSecond });
    },
    async devices() {
      return hub.devices().map(deviceView);
    },
  };
}
