// The one way tests start a hub: plain or over TLS with a throw-away development PKI, knowing a
// product key for shared-secret devices and the PKI's CA for certificate devices.
import { createCa, createDeviceCert, createServerCert, type PemCredential } from "@nerves-hub-ts/dev-pki";
import type { FirmwareMetaInput, FirmwareRecord } from "../firmware/store.js";
import { type Hub, type HubOptions, startHub } from "../hub.js";

export const TEST_PRODUCT_KEY = "nhp_test-product-key";
export const TEST_PRODUCT_SECRET = "test-product-secret-0123456789abcdefghijklm";

export interface ProductKey {
  key: string;
  secret: string;
}

/** A signer CA and a server certificate for 127.0.0.1 it issued (P-256, in memory). */
export interface TestPki {
  ca: PemCredential;
  server: PemCredential;
}

export async function testPki(commonName = "test hub CA"): Promise<TestPki> {
  const ca = await createCa({ commonName });
  const server = await createServerCert(ca, { commonName: "127.0.0.1" });
  return { ca, server };
}

/** Firmware the hub stores before the test starts (see `testFirmware` for signed archives). */
export interface FirmwareFixture {
  bytes: Uint8Array;
  meta?: FirmwareMetaInput;
}

export interface TestHubOptions extends Omit<HubOptions, "tls"> {
  /**
   * Serve wss/https: `true` with a fresh PKI, or with the given one (to start again on the same
   * port with the same certificate). Its CA is registered for just-in-time provisioning.
   * Default false: plain ws/http.
   */
  tls?: boolean | TestPki;
  /** Product key for shared-secret devices; default TEST_PRODUCT_KEY/TEST_PRODUCT_SECRET; false: none. */
  productKey?: ProductKey | false;
  /** Base64 Ed25519 fwup public keys pushed to devices that ask for them. */
  signingKeys?: string[];
  /** Firmware stored at start; its record is `TestHub.firmware`. */
  firmware?: FirmwareFixture;
}

export interface TestHub {
  hub: Hub;
  port: number;
  /** `127.0.0.1:<port>`, the `host` of a link config. */
  host: string;
  /** `wss://127.0.0.1:<port>` or `ws://…`; the device's identity picks the socket path. */
  url: string;
  /** The PKI of a TLS hub. */
  pki: TestPki | undefined;
  /** The CA devices trust and the hub accepts device certificates from (TLS hubs only). */
  ca: PemCredential | undefined;
  productKey: ProductKey | undefined;
  /** The record of `options.firmware`. */
  firmware: FirmwareRecord | undefined;
  /** A device certificate for `identifier` from the hub's CA (TLS hubs only). */
  deviceCert(identifier: string): Promise<PemCredential>;
  /** Range header of every firmware download so far, in order (null: none). */
  ranges(): (string | null)[];
  close(): Promise<void>;
}

/** A hub over TLS: its PKI and CA are there. */
export interface TlsTestHub extends TestHub {
  pki: TestPki;
  ca: PemCredential;
}

export function startTestHub(options: TestHubOptions & { tls: true | TestPki }): Promise<TlsTestHub>;
export function startTestHub(options?: TestHubOptions): Promise<TestHub>;
export async function startTestHub(options: TestHubOptions = {}): Promise<TestHub> {
  const { tls = false, productKey: keyOption, signingKeys = [], firmware, ...hubOptions } = options;
  const pki = tls === true ? await testPki() : tls === false ? undefined : tls;
  const productKey =
    keyOption === false ? undefined : (keyOption ?? { key: TEST_PRODUCT_KEY, secret: TEST_PRODUCT_SECRET });
  const hub = await startHub({
    ...hubOptions,
    ...(pki ? { tls: { certPem: pki.server.certPem, keyPem: pki.server.keyPem } } : {}),
  });
  const ranges: (string | null)[] = [];
  hub.on("event", (e) => {
    if (e.type === "firmware_download") ranges.push(e.range);
  });
  let record: FirmwareRecord | undefined;
  try {
    if (pki) hub.registerCa(pki.ca.certPem, { jitp: true });
    if (productKey) hub.addProductKey(productKey.key, productKey.secret);
    for (const key of signingKeys) hub.addSigningKey(key);
    if (firmware) record = await hub.addFirmware(firmware.bytes, firmware.meta);
  } catch (e) {
    await hub.close();
    throw e;
  }
  return {
    hub,
    port: hub.port,
    host: `127.0.0.1:${hub.port}`,
    url: `${pki ? "wss" : "ws"}://127.0.0.1:${hub.port}`,
    pki,
    ca: pki?.ca,
    productKey,
    firmware: record,
    deviceCert(identifier) {
      if (!pki) return Promise.reject(new Error("a plain test hub has no CA to issue device certificates"));
      return createDeviceCert(pki.ca, { identifier });
    },
    ranges: () => [...ranges],
    close: () => hub.close(),
  };
}
