// Valid sample payloads for every catalog event, both directions. The mapped types make a missing
// event a compile error, so a new catalog entry cannot slip past the round-trip tests.
// Samples are canonical: no unknown keys and no null where null means "absent", so a decode gives
// back exactly the sample.
import type { deviceEvents } from "../device-events.js";
import type { DeviceJoinInput } from "../join-params.js";
import type { DevicePayload, ServerPayload } from "../messages.js";
import type { serverEvents } from "../server-events.js";

type ServerCatalog = typeof serverEvents;
type DeviceCatalog = typeof deviceEvents;

export type ServerSamples = {
  [T in keyof ServerCatalog]: { [E in keyof ServerCatalog[T]]: readonly ServerPayload<T, E>[] };
};
export type DeviceSamples = {
  [T in keyof DeviceCatalog]: { [E in keyof DeviceCatalog[T]]: readonly DevicePayload<T, E>[] };
};

export interface Sample {
  topic: string;
  event: string;
  payload: unknown;
}

/** A 64-hex SHA-256 in the server's upper-case spelling. */
export const sha256Upper = (seed: string): string => seed.repeat(64).slice(0, 64).toUpperCase();

/** The update offer of hub-server.md §4.1, with the elided hashes and uuid written out in full. */
export const updateOffer = {
  update_available: true,
  firmware_url:
    "https://bucket.s3.amazonaws.com/firmware/12/2d7a0c55-1e4b-5f0a-9d3e-8c1f7a6b2de1.fw?X-Amz-Expires=86400",
  firmware_meta: {
    architecture: "arm64",
    author: "ACME",
    description: "prod image",
    platform: "rpi4",
    product: "widget",
    uuid: "2d7a0c55-1e4b-5f0a-9d3e-8c1f7a6b2de1",
    version: "1.4.0",
  },
  size: 41234567,
  checksum: "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08",
  partials_checksums: [sha256Upper("3b1f"), sha256Upper("a0c2")],
  deployment_id: 7,
} satisfies ServerPayload<"device", "update">;

/** The same offer as the server puts it on the wire: unset metadata fields are sent as null. */
export const updateOfferOnWire = {
  ...updateOffer,
  firmware_meta: {
    architecture: "arm64",
    author: "ACME",
    description: "prod image",
    misc: null,
    platform: "rpi4",
    product: "widget",
    uuid: "2d7a0c55-1e4b-5f0a-9d3e-8c1f7a6b2de1",
    vcs_identifier: null,
    version: "1.4.0",
  },
};

/** The input behind the invented join params example of device-client.md §3.1. */
export const deviceJoinInput: DeviceJoinInput = {
  firmware: {
    nerves_fw_uuid: "8a8b902c-d1a9-58aa-6111-04ab57c2f2a8",
    nerves_fw_product: "my_app",
    nerves_fw_version: "1.4.0",
    nerves_fw_platform: "rpi4",
    nerves_fw_architecture: "arm",
    nerves_fw_author: "ACME",
    nerves_fw_description: "",
    nerves_fw_vcs_identifier: "",
    nerves_fw_misc: "",
  },
  fwupVersion: "1.13.2",
  currentlyDownloadingUuid: null,
  firmwareValidated: true,
  firmwareAutoRevertDetected: false,
  requestFwupPublicKeys: true,
  requestArchivePublicKeys: false,
};

/** A DeviceStatus (device-client.md §7.2) with a real Date, which msgpack sends as ext type -1. */
export const healthStatus = {
  timestamp: new Date("2026-08-12T01:02:03.456Z"),
  metadata: { placement: "shed" },
  alarms: { "NervesHubLink.Disconnected": "[]" },
  metrics: {
    cpu_temp: 48.3,
    cpu_usage_percent: 7.25,
    load_1min: 0.12,
    load_5min: 0.1,
    load_15min: 0.05,
    mem_size_mb: 3884,
    mem_used_mb: 512,
    mem_used_percent: 13,
    disk_total_kb: 28000000,
    disk_available_kb: 2800000,
    disk_used_percentage: 10,
  },
  checks: {},
  connectivity: {},
};

export const serverSamples: ServerSamples = {
  device: {
    update: [
      updateOffer,
      {
        firmware_url: "https://hub.example.com/firmware/1/abc.fw",
        firmware_meta: { uuid: "8a8b902c-d1a9-58aa-6111-04ab57c2f2a8", version: "1.5.0" },
      },
      { update_available: false },
    ],
    reboot: [{}],
    identify: [{}],
    archive: [
      {
        size: 1048576,
        uuid: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
        version: "1.0.0",
        description: "maps",
        platform: "rpi4",
        architecture: "arm64",
        uploaded_at: "2025-01-20T20:00:37",
        url: "https://hub.example.com/uploads/archives/0f1e2d3c.fw",
      },
    ],
    "scripts/run": [
      { text: "NervesHubLink.status()", ref: "q1w2eA" },
      { text: "IO.puts(:hello)", ref: "connecting_code", timeout: 5000 },
    ],
    fwup_public_keys: [{ keys: ["pZ0B7c5nGq7xJj4tq6X7D3b6l0t9ZtD9zv1y3m2Q8xE="] }, { keys: [] }],
    archive_public_keys: [{ keys: ["pZ0B7c5nGq7xJj4tq6X7D3b6l0t9ZtD9zv1y3m2Q8xE="] }],
    "extensions:get": [{}],
  },
  console: {
    dn: [{ data: "ls -la\r" }],
    window_size: [{ height: 24, width: 80 }],
    restart: [{}],
    "file-data/start": [{ filename: "notes.txt", uploaded_by: 42 }],
    "file-data": [{ filename: "notes.txt", chunk: 0, data: "aGVsbG8=" }],
    "file-data/stop": [{ filename: "notes.txt", uploaded_by: 42 }],
  },
  extensions: {
    attach: [{ extensions: ["health", "geo"] }, { extensions: "all" }],
    detach: [{ extensions: "health" }],
    "health:check": [{}],
    "geo:location:request": [{}],
    "network_identity:request": [{}],
    "local_shell:request_shell": [{}],
    "local_shell:shell_input": [{ data: "uptime\n" }],
    "local_shell:window_size": [{ rows: 40, cols: 120 }],
    "local_shell:kill_shell": [{}, { signal: 9 }],
  },
};

export const deviceSamples: DeviceSamples = {
  device: {
    fwup_progress: [
      { stage: "downloading", value: 0 },
      { stage: "updating", value: 100 },
    ],
    update_progress: [{ value: 42, stage: "downloading" }, { value: 100 }],
    status_update: [
      { status: "received" },
      { status: "started", downloader_network_interface: "eth0" },
      { status: "started", downloader_network_interface: null },
      { status: "downloading", progress: 30 },
      { status: "completed" },
      { status: "ignored", reason: "" },
      { status: "rescheduled", delay_for: 900000 },
      { status: "rescheduled", delay_for: 900000, reason: "busy" },
      { status: "failed", reason: 'FWUP error : "Invalid signature"' },
      { status: "Update failed: encountered fwup error" },
    ],
    firmware_validated: [{}],
    connection_types: [{ values: ["ethernet", "wifi"] }],
    report_network_interface: [{ interface: "wlan0" }],
    rebooting: [{}],
    "scripts/run": [
      { ref: "q1w2eA", result: "completed", output: "hello\n", return: ":ok" },
      {
        ref: "q1w2eA",
        result: "error",
        reason: "timeout",
        output: "Error running script: timeout exceeded",
        return: "",
      },
      { ref: "connecting_code", output: "", return: "nil" },
    ],
  },
  console: {
    up: [{ data: "\r*** Restarting IEx ***\r" }],
    "file-data/start": [{ filename: "dump.log" }],
    "file-data": [{ filename: "dump.log", chunk: 3, data: "AAEC" }],
    "file-data/stop": [{ filename: "dump.log" }],
  },
  extensions: {
    "health:report": [
      { value: healthStatus },
      { value: null },
      { value: { ...healthStatus, timestamp: "2026-08-12T01:02:03.456789Z" } },
    ],
    "geo:location:update": [
      { source: "geoip", latitude: 52.52, longitude: 13.405 },
      { source: "gps", latitude: -33.8688, longitude: 151.2093, accuracy: 12.5 },
      { error_code: "HTTP_ERROR", error_description: "whenwhere answered 503" },
    ],
    "network_identity:report": [
      {
        identities: [
          { service: "iroh", identifier: "b3a1c0ffee", details: { relay: "https://relay.example" } },
          { service: "tailscale", identifier: "nodekey:abc", instance: "work" },
        ],
      },
      { identities: [] },
    ],
    "local_shell:request_status": [
      { status: "started" },
      { status: "failed", reason: "`:expty` not included in project dependencies" },
    ],
    "local_shell:shell_output": [{ data: "\u001b[32m$\u001b[0m " }],
    "local_shell:shell_exited": [{ exit_code: 0 }, { exit_code: 137 }],
    "logging:send": [
      {
        level: "info",
        message: "booted",
        timestamp: new Date("2026-08-12T01:02:03.000Z"),
        meta: { app: "agent" },
      },
      { level: "warn", message: "disk almost full", meta: { time: "1786500123456789" } },
    ],
  },
};

/** `<extension>:attached|detached|error` pushes, which the catalog decodes as lifecycle messages. */
export const lifecycleSamples: readonly Sample[] = [
  { topic: "extensions", event: "health:attached", payload: {} },
  { topic: "extensions", event: "geo:detached", payload: {} },
  { topic: "extensions", event: "local_shell:error", payload: { reason: "start_failure" } },
  { topic: "extensions", event: "logging:error", payload: { reason: "unknown_extension" } },
];

/** Flattens a samples table into one row per payload. */
export function samplesOf(table: ServerSamples | DeviceSamples): Sample[] {
  const rows: Sample[] = [];
  for (const [topic, events] of Object.entries(table)) {
    for (const [event, payloads] of Object.entries(events as Record<string, readonly unknown[]>)) {
      for (const payload of payloads) rows.push({ topic, event, payload });
    }
  }
  return rows;
}

/** What a payload looks like after a JSON round trip (Dates become ISO strings). */
export const viaJson = (payload: unknown): unknown => JSON.parse(JSON.stringify(payload));
