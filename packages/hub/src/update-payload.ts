// The `update` payload, exactly the keys of hub-server.md §4.1.
import type { FirmwareMeta, FirmwareRecord } from "./firmware/store.js";

export interface UpdatePayload {
  update_available: boolean;
  firmware_url: string | null;
  firmware_meta: FirmwareMeta | null;
  size: number | null;
  checksum: string | null;
  partials_checksums: string[] | null;
  deployment_id: number | null;
}

export function updatePayload(
  record: FirmwareRecord,
  firmwareUrl: string,
  deploymentId: number | null,
): UpdatePayload {
  return {
    update_available: true,
    firmware_url: firmwareUrl,
    firmware_meta: { ...record.meta },
    size: record.size,
    checksum: record.checksum,
    partials_checksums: [...record.partialsChecksums],
    deployment_id: deploymentId,
  };
}

/** What the orchestrator path may broadcast when nothing applies: every other field null. */
export const NO_UPDATE: UpdatePayload = {
  update_available: false,
  firmware_url: null,
  firmware_meta: null,
  size: null,
  checksum: null,
  partials_checksums: null,
  deployment_id: null,
};
