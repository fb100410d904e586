// Server-to-device events: the payload decoders for every topic.
import { array, bool, type Decoder, int, num, object, optional, str, union, unknownValue } from "./decode.js";
import { ok } from "./result.js";

const hexSha256: Decoder<string> = (v, p) =>
  typeof v === "string" && /^[0-9a-fA-F]{64}$/.test(v)
    ? ok(v)
    : { ok: false, error: { field: p, expected: "a hex SHA-256" } };

/** Key lists: nerves_hub_link drops non-string entries rather than refusing the message. */
const keyList: Decoder<string[]> = (v, p) => {
  if (v === undefined || v === null) return ok([]);
  if (!Array.isArray(v)) return { ok: false, error: { field: p, expected: "an array" } };
  return ok(v.filter((k): k is string => typeof k === "string"));
};

export const firmwareMeta = object({
  uuid: optional(str),
  product: optional(str),
  version: optional(str),
  platform: optional(str),
  architecture: optional(str),
  author: optional(str),
  description: optional(str),
  vcs_identifier: optional(str),
  misc: optional(str),
  fwup_version: optional(str),
});

const updateOffer = object({
  update_available: optional(bool),
  firmware_url: str,
  firmware_meta: firmwareMeta,
  // Any number: an impossible size (negative, fractional, unsafe) is the update machine's to report.
  size: optional(num),
  checksum: optional(hexSha256),
  partials_checksums: optional(array(hexSha256)),
  deployment_id: optional(int),
});
const noUpdate = object({
  update_available: (v, p) =>
    v === false ? ok(false as const) : { ok: false, error: { field: p, expected: "false" } },
});

/** `update`: `update_available: false` carries nothing else (the orchestrator may broadcast it). */
const update = union(noUpdate, updateOffer);

const empty = object({});
const extensionList = union(array(str), str);

export const serverEvents = {
  device: {
    update,
    reboot: empty,
    identify: empty,
    archive: object({
      url: str,
      uuid: optional(str),
      version: optional(str),
      description: optional(str),
      platform: optional(str),
      architecture: optional(str),
      size: optional(int),
      uploaded_at: optional(str),
    }),
    "scripts/run": object({ ref: str, text: str, timeout: optional(int) }),
    fwup_public_keys: object({ keys: keyList }),
    archive_public_keys: object({ keys: keyList }),
    "extensions:get": empty,
  },
  console: {
    dn: object({ data: str }),
    window_size: object({ height: int, width: int }),
    restart: unknownValue,
    "file-data/start": object({ filename: str, uploaded_by: optional(unknownValue) }),
    "file-data": object({ filename: str, chunk: optional(int), data: str }),
    "file-data/stop": object({ filename: str, uploaded_by: optional(unknownValue) }),
  },
  extensions: {
    attach: object({ extensions: extensionList }),
    detach: object({ extensions: extensionList }),
    "health:check": empty,
    "geo:location:request": empty,
    "network_identity:request": empty,
    "local_shell:request_shell": empty,
    "local_shell:shell_input": object({ data: str }),
    "local_shell:window_size": object({ rows: int, cols: int }),
    "local_shell:kill_shell": object({ signal: optional(int) }),
  },
} as const;
