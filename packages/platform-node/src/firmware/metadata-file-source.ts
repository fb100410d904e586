// Firmware metadata for generic Linux: a JSON file of `nerves_fw_*` strings written when the system
// image is built. A file without `nerves_fw_validated` counts as validated; `"0"` means the firmware
// waits for `mark-valid`, which is remembered in the agent's storage for that firmware UUID.
import { readFile } from "node:fs/promises";
import type { Storage } from "@nerves-hub-ts/ports";
import { type FirmwareSource, FirmwareSourceError } from "./firmware-source.js";

/** The keys NervesHub needs to recognise a firmware (device-client.md §3.1). */
export const REQUIRED_KEYS = [
  "nerves_fw_uuid",
  "nerves_fw_product",
  "nerves_fw_version",
  "nerves_fw_platform",
  "nerves_fw_architecture",
] as const;

const VALIDATED_KEY = "firmware_validated_uuid";

export interface MetadataFileOptions {
  path: string;
  storage: Storage;
  fwupVersion: () => Promise<string | undefined>;
}

export function metadataFileSource(options: MetadataFileOptions): FirmwareSource {
  const { path, storage } = options;
  const read = async (): Promise<Record<string, string>> => {
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? String(e);
      throw new FirmwareSourceError(`firmware_metadata_file: cannot read ${path} (${code})`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new FirmwareSourceError(`firmware_metadata_file: ${path} is not valid JSON`);
    }
    if (typeof json !== "object" || json === null || Array.isArray(json)) {
      throw new FirmwareSourceError(`firmware_metadata_file: ${path} must hold a JSON object`);
    }
    const bad = Object.entries(json).find(([, v]) => typeof v !== "string");
    if (bad) {
      throw new FirmwareSourceError(`firmware_metadata_file: ${path}: ${bad[0]} must be a string`);
    }
    return json as Record<string, string>;
  };
  return {
    async check() {
      const meta = await read();
      const missing = REQUIRED_KEYS.filter((k) => !meta[k]);
      if (missing.length > 0) {
        throw new FirmwareSourceError(`firmware_metadata_file: ${path} lacks ${missing.join(", ")}`);
      }
    },
    async metadata() {
      const { nerves_fw_validated: _, ...meta } = await read();
      return meta;
    },
    fwupVersion: options.fwupVersion,
    async validated() {
      const meta = await read();
      if (meta.nerves_fw_validated !== "0") return true;
      return (await storage.get(VALIDATED_KEY)) === meta.nerves_fw_uuid;
    },
    autoRevertDetected: async () => false,
    async markValid() {
      const uuid = (await read()).nerves_fw_uuid;
      if (!uuid) throw new FirmwareSourceError(`firmware_metadata_file: ${path} has no nerves_fw_uuid`);
      await storage.set(VALIDATED_KEY, uuid);
    },
  };
}
