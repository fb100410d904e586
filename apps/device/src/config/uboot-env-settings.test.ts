import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FirmwareSourceError } from "@nerves-hub-ts/platform-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NERVES_SLOT_A, standInFwPrintenv } from "../test-support/fw-printenv.js";
import { loadConfig } from "./load-config.js";
import { MASK, printableConfig } from "./print-config.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "nh-uboot-"));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const PRODUCT_SECRET = "uboot-product-secret-value";
const DEVICE_SECRET = "uboot-device-secret-value";
const KEY_PEM = generateKeyPairSync("ec", { namedCurve: "prime256v1" })
  .privateKey.export({ type: "pkcs8", format: "pem" })
  .toString()
  .trim();
// Base64 lines end in `=` like a `name=value` line would: they still belong to the certificate.
const CERT_PEM = [
  "-----BEGIN CERTIFICATE-----",
  "MIIBfake0certificate0line0one0AAAA==",
  "-----END CERTIFICATE-----",
  "-----BEGIN CERTIFICATE-----",
  "MIIBfake0signer0certificate0BBBB=",
  "-----END CERTIFICATE-----",
].join("\n");

let n = 0;
/** Loads a config file on a device whose U-Boot environment holds `variables`. */
async function onDevice(variables: Record<string, string>, settings: Record<string, unknown> = {}) {
  const deviceDir = await mkdtemp(join(dir, `device-${++n}-`));
  const fwPrintenv = await standInFwPrintenv(deviceDir, { ...NERVES_SLOT_A, ...variables });
  const configPath = join(deviceDir, "config.json");
  const config = { firmware_metadata: "fw_printenv", fw_printenv_command: fwPrintenv, ...settings };
  await writeFile(configPath, JSON.stringify(config), { mode: 0o600 });
  return loadConfig({ configPath });
}

describe("credentials from the U-Boot environment", () => {
  it("a product key, its secret and the board serial when the configuration has none", async () => {
    const { config, values } = await onDevice({
      nh_shared_product_key: "nhp_from_uboot",
      nh_shared_product_secret: PRODUCT_SECRET,
      nerves_serial_number: "SN-0042",
      serial_number: "legacy-serial",
    });
    expect(config.auth).toBe("shared_secret");
    expect(config.sharedSecret).toMatchObject({
      productKey: "nhp_from_uboot",
      productSecret: PRODUCT_SECRET,
    });
    expect(config.identifier).toEqual({ kind: "literal", value: "SN-0042" });
    expect(values.get("shared_secret.product_secret")?.source).toBe("u-boot env nh_shared_product_secret");
    expect(values.get("identifier")?.source).toBe("u-boot env nerves_serial_number");
    const printed = printableConfig(values);
    expect((printed.config.shared_secret as Record<string, unknown>).product_secret).toBe(MASK);
    expect(JSON.stringify(printed)).not.toContain(PRODUCT_SECRET);
  });

  it("a device key and secret; the serial falls back to serial_number", async () => {
    const { config } = await onDevice({
      nh_shared_key: "nhd_from_uboot",
      nh_shared_secret: DEVICE_SECRET,
      serial_number: "legacy-serial",
    });
    expect(config.sharedSecret).toMatchObject({ key: "nhd_from_uboot", secret: DEVICE_SECRET });
    expect(config.identifier).toEqual({ kind: "literal", value: "legacy-serial" });
  });

  it("the configuration wins: its key is kept, even a product key against a U-Boot device key", async () => {
    const uboot = {
      nh_shared_key: "nhd_from_uboot",
      nh_shared_secret: DEVICE_SECRET,
      nh_shared_product_secret: PRODUCT_SECRET,
      nerves_serial_number: "SN-0042",
    };
    const { config, values } = await onDevice(uboot, {
      identifier: "configured-id",
      shared_secret: { product_key: "nhp_configured" },
    });
    expect(config.sharedSecret.key).toBeUndefined();
    expect(config.sharedSecret.productKey).toBe("nhp_configured");
    // What the configuration leaves out still comes from U-Boot: here the product secret.
    expect(config.sharedSecret.productSecret).toBe(PRODUCT_SECRET);
    expect(config.identifier).toEqual({ kind: "literal", value: "configured-id" });
    expect(values.get("shared_secret.product_key")?.source).toMatch(/^file /);

    const both = await onDevice(uboot, {
      identifier_file: "/etc/serial",
      shared_secret: { key: "nhd_configured", secret: "configured-secret" },
    });
    expect(both.config.sharedSecret).toMatchObject({ key: "nhd_configured", secret: "configured-secret" });
    expect(both.config.identifier).toEqual({ kind: "file", path: "/etc/serial" });
  });

  it("a certificate and key (PEM over several lines) for certificate auth, with no identifier", async () => {
    const { config, values } = await onDevice({
      nerves_hub_cert: CERT_PEM,
      nerves_hub_key: KEY_PEM,
      nerves_serial_number: "SN-0042",
    });
    expect(config.auth).toBe("certificate");
    expect(config.certificate).toEqual({ cert: { pem: CERT_PEM }, key: { pem: KEY_PEM } });
    expect(config.identifier).toBeUndefined();
    const printed = JSON.stringify(printableConfig(values));
    expect(printed).not.toContain("PRIVATE KEY");
    expect(printableConfig(values).sources["ssl.key"]).toBe("u-boot env nerves_hub_key");
  });

  it("certificate files in the configuration win over U-Boot's PEM", async () => {
    const { config } = await onDevice(
      { nerves_hub_cert: CERT_PEM, nerves_hub_key: KEY_PEM },
      { ssl: { certfile: "/data/cert.pem", keyfile: "/data/key.pem" } },
    );
    expect(config.certificate).toEqual({ cert: { path: "/data/cert.pem" }, key: { path: "/data/key.pem" } });
  });

  it("is not read unless the firmware metadata comes from fw_printenv", async () => {
    const { config } = await onDevice({}, { firmware_metadata: "file", fw_printenv_command: "exit 3" });
    expect(config.firmwareMetadata.kind).toBe("file");
  });

  it("a failing fw_printenv is an error naming the command", async () => {
    const load = onDevice({}, { fw_printenv_command: "exit 3" });
    await expect(load).rejects.toBeInstanceOf(FirmwareSourceError);
    await expect(load).rejects.toThrow("firmware_metadata fw_printenv: `exit 3` exited with 3");
  });

  it("an empty variable counts as unset", async () => {
    const { config } = await onDevice({
      nh_shared_key: "",
      nerves_hub_cert: CERT_PEM,
      nerves_hub_key: KEY_PEM,
    });
    expect(config.auth).toBe("certificate");
    expect(config.sharedSecret.key).toBeUndefined();
  });
});
