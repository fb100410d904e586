// Device-to-server events: the payload decoders the hub validates with, per topic.
import {
  anyObject,
  array,
  type Decoded,
  type Decoder,
  int,
  intRange,
  isRecord,
  nullable,
  num,
  object,
  oneOf,
  optional,
  record,
  str,
  union,
  unknownValue,
} from "./decode.js";
import { ok } from "./result.js";
import { PROGRESS_STAGES, UPDATE_STATUSES, type UpdateStatus } from "./topics.js";

/** The server also accepts any status containing "fwup error" (treated as failed). */
const status: Decoder<UpdateStatus | (string & {})> = (v, p) =>
  typeof v === "string" && ((UPDATE_STATUSES as readonly string[]).includes(v) || /fwup error/i.test(v))
    ? ok(v)
    : { ok: false, error: { field: p, expected: `one of ${UPDATE_STATUSES.join(", ")}` } };

const progress = object({
  value: intRange(0, 100),
  stage: optional(oneOf([...PROGRESS_STAGES, ...UPDATE_STATUSES])),
});
const empty = object({});

const geoLocation = object({ source: optional(str), latitude: num, longitude: num, accuracy: optional(num) });
const geoError = object({ error_code: str, error_description: str });
/** A resolver error carries `error_code`; picking the variant by it makes errors name the right field. */
const geoUpdate: Decoder<Decoded<typeof geoLocation> | Decoded<typeof geoError>> = (v, p) =>
  isRecord(v) && v.error_code !== undefined ? geoError(v, p) : geoLocation(v, p);
const fileName = object({ filename: str });

export const deviceEvents = {
  device: {
    fwup_progress: progress,
    update_progress: progress,
    status_update: object({
      status,
      reason: optional(str),
      // Milliseconds, as the server reads it (nerves_hub_link sends minutes; see device-client.md §3.3).
      delay_for: optional(int),
      // `downloading` / `updating` statuses may carry progress, handled like fwup_progress.
      progress: optional(intRange(0, 100)),
      downloader_network_interface: optional(nullable(str)),
    }),
    firmware_validated: unknownValue,
    connection_types: object({ values: array(str) }),
    report_network_interface: object({ interface: str }),
    rebooting: unknownValue,
    "scripts/run": object({
      ref: str,
      output: str,
      return: str,
      result: optional(oneOf(["completed", "error"])),
      reason: optional(str),
    }),
  },
  console: {
    up: object({ data: str }),
    "file-data/start": fileName,
    "file-data": object({ filename: str, chunk: int, data: str }),
    "file-data/stop": fileName,
  },
  extensions: {
    "health:report": object({ value: nullable(anyObject) }),
    "geo:location:update": geoUpdate,
    "network_identity:report": object({
      identities: array(
        object({ service: str, identifier: str, instance: optional(str), details: optional(anyObject) }),
      ),
    }),
    "local_shell:request_status": object({ status: oneOf(["started", "failed"]), reason: optional(str) }),
    "local_shell:shell_output": object({ data: str }),
    "local_shell:shell_exited": object({ exit_code: int }),
    "logging:send": object({
      level: str,
      message: unknownValue,
      timestamp: optional(
        union(str, (v, p) =>
          v instanceof Date ? ok(v) : { ok: false, error: { field: p, expected: "a timestamp" } },
        ),
      ),
      meta: optional(record(str)),
    }),
  },
} as const;

/** `<extension>:attached`, `:detached` and `:error` are generic lifecycle events. */
export const extensionLifecycle = {
  attached: empty,
  detached: empty,
  error: object({ reason: str }),
} as const;
