// Typical messages of a device session, as frames: what the benchmark encodes and decodes.
import {
  deviceJoinParams,
  deviceTopic,
  extensionsTopic,
  type Frame,
  type Outgoing,
} from "../../packages/protocol/src/index.js";

export interface BenchMessage {
  name: string;
  /** Who receives the frame, so the catalog decoder for that side is used. */
  receiver: "device" | "server";
  frame: Frame;
}

const push = (joinRef: string, ref: string, out: Outgoing): Frame => ({ joinRef, ref, ...out });
const hex64 = (seed: string) => seed.repeat(64).slice(0, 64).toUpperCase();

const updateOffer = {
  update_available: true,
  firmware_url:
    "https://bucket.s3.amazonaws.com/firmware/12/2d7a0c55-1e4b-5f0a-9d3e-8c1f7a6b2de1.fw?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=86400&X-Amz-Signature=0f3c9a",
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
  size: 41234567,
  checksum: hex64("9f86d081"),
  // A 40 MB image in 1 MiB parts.
  partials_checksums: Array.from({ length: 40 }, (_, i) => hex64(i.toString(16).padStart(4, "0"))),
  deployment_id: 7,
};

const joinParams = deviceJoinParams({
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
});

const healthStatus = {
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

export const benchMessages: BenchMessage[] = [
  {
    name: "update offer (40 parts)",
    receiver: "device",
    frame: { joinRef: null, ref: null, topic: "device", event: "update", payload: updateOffer },
  },
  { name: "status_update started", receiver: "server", frame: push("1", "7", deviceTopic.started("eth0")) },
  {
    name: "fwup_progress",
    receiver: "server",
    frame: push("1", "8", deviceTopic.fwupProgress("downloading", 42)),
  },
  {
    name: "heartbeat",
    receiver: "server",
    frame: { joinRef: null, ref: "9", topic: "phoenix", event: "heartbeat", payload: {} },
  },
  {
    name: "device join (full params)",
    receiver: "server",
    frame: { joinRef: "1", ref: "1", topic: "device", event: "phx_join", payload: joinParams },
  },
  {
    name: "health report (Date)",
    receiver: "server",
    frame: push("4", "10", extensionsTopic.healthReport(healthStatus)),
  },
];
