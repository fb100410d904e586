// Reads the firmware metadata a device reports at join (hub-server.md §3.2).
import { clipText, MAX_JOIN_PARAM_CHARS } from "../devices/clip.js";
import type { ReportedFirmware } from "../devices/device-record.js";
import type { FirmwareMeta } from "../firmware/store.js";

// Clipped like the join params they come from, so the record stays small.
const str = (v: unknown): string | null => (typeof v === "string" ? clipText(v, MAX_JOIN_PARAM_CHARS) : null);

/** ESP-IDF: the uuid is the first 16 bytes of the ELF SHA-256 as a lower-case 8-4-4-4-12 UUID. */
function espIdfUuid(elfSha256: unknown): string | null {
  if (typeof elfSha256 !== "string" || !/^[0-9a-fA-F]{32,}$/.test(elfSha256)) return null;
  const h = elfSha256.slice(0, 32).toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** `v1.2` → `1.2.0`, `1.2.3.4` → `1.2.3+4`, as the server normalises ESP-IDF versions. */
function espIdfVersion(v: unknown): string | null {
  if (typeof v !== "string") return null;
  const parts = v.replace(/^v/, "").split(".");
  while (parts.length < 3) parts.push("0");
  const [a, b, c, ...rest] = parts;
  return rest.length > 0 ? `${a}.${b}.${c}+${rest.join(".")}` : `${a}.${b}.${c}`;
}

// ESP-IDF's esp_chip_id_t values (image header) → platform and architecture.
const ESP_CHIPS: Record<number, [string, string]> = {
  0: ["esp32", "xtensa"],
  2: ["esp32s2", "xtensa"],
  5: ["esp32c3", "riscv"],
  9: ["esp32s3", "xtensa"],
  12: ["esp32c2", "riscv"],
  13: ["esp32c6", "riscv"],
  16: ["esp32h2", "riscv"],
  18: ["esp32p4", "riscv"],
};

function espChip(id: unknown): [string, string] | [null, null] {
  const n = typeof id === "string" && /^\d+$/.test(id) ? Number(id) : id;
  return (typeof n === "number" && ESP_CHIPS[n]) || [null, null];
}

function updateTool(params: Record<string, unknown>): "fwup" | "esp-idf" {
  if (params.update_tool === "fwup" || params.update_tool === "esp-idf") return params.update_tool;
  if ("nerves_fw_uuid" in params) return "fwup";
  if ("esp_idf_app_elf_sha256" in params || "esp_idf_project_name" in params) return "esp-idf";
  return "fwup";
}

export function reportedFirmware(params: Record<string, unknown>): ReportedFirmware {
  if (updateTool(params) === "esp-idf") {
    const [platform, architecture] = espChip(params.esp_idf_chip_id);
    return {
      uuid: espIdfUuid(params.esp_idf_app_elf_sha256),
      product: str(params.esp_idf_project_name),
      version: espIdfVersion(str(params.esp_idf_version)),
      platform,
      architecture,
      author: null,
      description: null,
      vcs_identifier: str(params.esp_idf_ver),
      misc: null,
      fwup_version: null,
    };
  }
  return {
    uuid: str(params.nerves_fw_uuid),
    product: str(params.nerves_fw_product),
    version: str(params.nerves_fw_version),
    platform: str(params.nerves_fw_platform),
    architecture: str(params.nerves_fw_architecture),
    author: str(params.nerves_fw_author),
    description: str(params.nerves_fw_description),
    vcs_identifier: str(params.nerves_fw_vcs_identifier),
    misc: str(params.nerves_fw_misc),
    fwup_version: str(params.fwup_version),
  };
}

/** The five keys the server requires for a complete firmware metadata record. */
const REQUIRED = ["uuid", "product", "version", "platform", "architecture"] as const;
// Ecto's validate_required: blank strings are missing too.
const present = (v: string | null): boolean => v !== null && v.trim() !== "";

/**
 * The metadata the server records for a join (hub-server.md §3.2): the report when it has all five
 * required keys, else the metadata of the known firmware its uuid names, else none (null).
 */
export function resolveFirmware(
  reported: ReportedFirmware,
  known: (uuid: string) => FirmwareMeta | undefined,
): ResolvedFirmware | null {
  const { uuid } = reported;
  if (uuid === null) return null;
  if (REQUIRED.every((key) => present(reported[key]))) return { ...reported, uuid };
  const meta = known(uuid);
  if (!meta || !REQUIRED.every((key) => present(meta[key]))) return null;
  return { ...meta, fwup_version: null };
}

export type ResolvedFirmware = ReportedFirmware & { uuid: string };

/** `report_network_interface`: stored humanised, as the server does. */
export function interfaceKind(name: string): "wifi" | "ethernet" | "cellular" | "unknown" {
  if (name.startsWith("wlan")) return "wifi";
  if (name.startsWith("eth") || name.startsWith("en")) return "ethernet";
  if (name.startsWith("wwan")) return "cellular";
  return "unknown";
}
