// What a simulated device runs: the `nerves_fw_*` facts it reports at join, and how a fleet's first
// release and a generated update are made.
import { randomBytes, randomUUID } from "node:crypto";
import type { UpdateOffer } from "@nerves-hub-ts/ports";

/** The running firmware of one simulated device. */
export interface FirmwareFacts {
  uuid: string;
  version: string;
  product: string;
  platform: string;
  architecture: string;
  author: string;
  description: string;
}

export const SIM_PRODUCT = "simulator";
export const SIM_PLATFORM = "sim";
export const SIM_ARCHITECTURE = "generic";

/** The release every device of a fleet starts with. */
export function initialFirmware(version = "1.0.0"): FirmwareFacts {
  return {
    uuid: randomUUID(),
    version,
    product: SIM_PRODUCT,
    platform: SIM_PLATFORM,
    architecture: SIM_ARCHITECTURE,
    author: "nerves-hub-ts simulator",
    description: "simulated release",
  };
}

/** The join-param keys of a firmware slot (device-client.md §3.1). */
export function slotKeys(fw: FirmwareFacts): Record<string, string> {
  return {
    nerves_fw_uuid: fw.uuid,
    nerves_fw_product: fw.product,
    nerves_fw_version: fw.version,
    nerves_fw_platform: fw.platform,
    nerves_fw_architecture: fw.architecture,
    nerves_fw_author: fw.author,
    nerves_fw_description: fw.description,
    nerves_fw_vcs_identifier: "",
    nerves_fw_misc: "",
  };
}

/** The facts a device runs after installing an offer; fields the hub left out keep their old value. */
export function firmwareFromOffer(offer: UpdateOffer, running: FirmwareFacts): FirmwareFacts {
  const meta = offer.firmware_meta;
  return {
    uuid: meta.uuid ?? running.uuid,
    version: meta.version ?? running.version,
    product: meta.product ?? running.product,
    platform: meta.platform ?? running.platform,
    architecture: meta.architecture ?? running.architecture,
    author: meta.author ?? running.author,
    description: meta.description ?? running.description,
  };
}

/** `1.0.0` → `1.1.0`: the version of the next generated release. */
export function nextMinorVersion(version: string): string {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  return m ? `${m[1]}.${Number(m[2]) + 1}.0` : `${version}-next`;
}

/** Bytes of a generated firmware image (random, so nothing downstream can compress it away). */
export function generateFirmwareImage(size: number): Uint8Array {
  return new Uint8Array(randomBytes(size));
}
