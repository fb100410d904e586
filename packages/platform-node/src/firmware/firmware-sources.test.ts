import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JsonFileStorage } from "../json-file-storage.js";
import { FirmwareSourceError } from "./firmware-source.js";
import {
  activeSlotMetadata,
  fwPrintenvSource,
  isAutoReverted,
  isValidated,
  parsePrintenv,
} from "./fw-printenv-source.js";
import { metadataFileSource } from "./metadata-file-source.js";

const noFwup = async () => undefined;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "nh-fw-"));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const UBOOT = [
  "nerves_fw_active=b",
  "nerves_fw_devpath=/dev/mmcblk0",
  "upgrade_available=1",
  "a.nerves_fw_uuid=old-uuid",
  "a.nerves_fw_platform=rpi4",
  "a.nerves_fw_architecture=arm",
  "a.nerves_fw_validated=1",
  "b.nerves_fw_uuid=new-uuid",
  "b.nerves_fw_version=1.2.0",
  "b.nerves_fw_validated=0",
  "not a pair",
  "",
].join("\n");

describe("fw_printenv metadata", () => {
  it("takes the active slot's keys without the prefix and leaves global keys out", () => {
    expect(activeSlotMetadata(parsePrintenv(UBOOT))).toEqual({
      nerves_fw_uuid: "new-uuid",
      nerves_fw_version: "1.2.0",
      nerves_fw_validated: "0",
    });
  });

  it("a PEM value runs over several lines, up to the last END line of a chain", () => {
    const chain = [
      "-----BEGIN CERTIFICATE-----",
      "MIIBdevice0cert==",
      "-----END CERTIFICATE-----",
      "-----BEGIN CERTIFICATE-----",
      "MIIBsigner=",
      "-----END CERTIFICATE-----",
    ].join("\n");
    const key = "-----BEGIN PRIVATE KEY-----\nMIGH=\n-----END PRIVATE KEY-----";
    const text = `nerves_hub_cert=${chain}\nnerves_hub_key=${key}\r\n\nnerves_fw_active=a\n`;
    expect(parsePrintenv(text)).toEqual({
      nerves_hub_cert: chain,
      nerves_hub_key: key,
      nerves_fw_active: "a",
    });
  });

  it("validation follows upgrade_available, then the slot's nerves_fw_validated", () => {
    expect(isValidated(parsePrintenv(UBOOT))).toBe(false);
    expect(isValidated({ upgrade_available: "0" })).toBe(true);
    expect(isValidated({ nerves_fw_active: "a", "a.nerves_fw_validated": "0" })).toBe(false);
    expect(isValidated({ nerves_fw_active: "a" })).toBe(true);
  });

  it("auto-revert: the other slot is complete but was never validated", () => {
    const reverted: Record<string, string> = {
      ...parsePrintenv(UBOOT),
      nerves_fw_active: "a",
      "b.nerves_fw_platform": "rpi4",
      "b.nerves_fw_architecture": "arm",
    };
    expect(isAutoReverted(reverted)).toBe(true);
    expect(isAutoReverted(parsePrintenv(UBOOT))).toBe(false);
  });

  it("runs the configured commands; mark-valid writes what nerves_runtime writes", async () => {
    const envFile = join(dir, "uboot.env");
    await writeFile(envFile, UBOOT);
    const setenv = join(dir, "fw_setenv");
    await writeFile(setenv, `#!/bin/sh\necho "$1=$2" >> ${envFile}.set\n`);
    await chmod(setenv, 0o755);
    const source = fwPrintenvSource({
      printenvCommand: `cat ${envFile}`,
      setenvCommand: setenv,
      fwupVersion: noFwup,
    });
    await source.check();
    expect((await source.metadata()).nerves_fw_uuid).toBe("new-uuid");
    expect(await source.validated()).toBe(false);
    await source.markValid();
    expect(await readFile(`${envFile}.set`, "utf8")).toBe("upgrade_available=0\nnerves_fw_validated=1\n");
  });

  it("a failing command is a FirmwareSourceError naming it", async () => {
    const source = fwPrintenvSource({
      printenvCommand: "exit 3",
      setenvCommand: "true",
      fwupVersion: noFwup,
    });
    await expect(source.check()).rejects.toThrow(/firmware_metadata fw_printenv: `exit 3` exited with 3/);
    const empty = fwPrintenvSource({ printenvCommand: "true", setenvCommand: "true", fwupVersion: noFwup });
    await expect(empty.check()).rejects.toThrow(/no nerves_fw_active/);
  });
});

describe("metadata file", () => {
  const meta = {
    nerves_fw_uuid: "u-1",
    nerves_fw_product: "widget",
    nerves_fw_version: "1.0.0",
    nerves_fw_platform: "x86_64",
    nerves_fw_architecture: "x86_64",
  };

  it("joins with the file's keys; validated unless it says nerves_fw_validated 0", async () => {
    const path = join(dir, "fw.json");
    await writeFile(path, JSON.stringify({ ...meta, nerves_fw_validated: "0" }));
    const storage = await JsonFileStorage.open(join(dir, "state-validated"));
    const source = metadataFileSource({ path, storage, fwupVersion: noFwup });
    await source.check();
    expect(await source.metadata()).toEqual(meta);
    expect(await source.validated()).toBe(false);
    await source.markValid();
    expect(await source.validated()).toBe(true);
    // The mark outlives a restart of the agent.
    const reopened = await JsonFileStorage.open(join(dir, "state-validated"));
    expect(await metadataFileSource({ path, storage: reopened, fwupVersion: noFwup }).validated()).toBe(true);
    // A new firmware with the flag set starts unvalidated again.
    await writeFile(path, JSON.stringify({ ...meta, nerves_fw_uuid: "u-2", nerves_fw_validated: "0" }));
    expect(await source.validated()).toBe(false);
  });

  it("names what is wrong with the file", async () => {
    const storage = await JsonFileStorage.open(join(dir, "state-errors"));
    const at = async (name: string, content: string | undefined) => {
      const path = join(dir, name);
      if (content !== undefined) await writeFile(path, content);
      return metadataFileSource({ path, storage, fwupVersion: noFwup }).check();
    };
    await expect(at("missing.json", undefined)).rejects.toThrow(/cannot read .*missing.json \(ENOENT\)/);
    await expect(at("bad.json", "{")).rejects.toThrow(/not valid JSON/);
    await expect(at("num.json", '{"nerves_fw_uuid": 1}')).rejects.toThrow(/nerves_fw_uuid must be a string/);
    const lacking = at("lacking.json", JSON.stringify({ nerves_fw_uuid: "u" }));
    await expect(lacking).rejects.toBeInstanceOf(FirmwareSourceError);
    await expect(lacking).rejects.toThrow(/lacks nerves_fw_product, nerves_fw_version/);
  });
});
