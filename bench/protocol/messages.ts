// Typical messages of a device session, as frames: what the benchmark encodes and decodes.
// Payloads come from the protocol tests' samples, so the bench measures what the tests check.
import {
  deviceJoinParams,
  deviceTopic,
  extensionsTopic,
  type Frame,
  type Outgoing,
} from "../../packages/protocol/src/index.js";
import {
  deviceJoinInput,
  healthStatus,
  sha256Upper,
  updateOfferOnWire,
} from "../../packages/protocol/src/test-support/samples.js";

export interface BenchMessage {
  name: string;
  /** Who receives the frame, so the catalog decoder for that side is used. */
  receiver: "device" | "server";
  frame: Frame;
}

const push = (joinRef: string, ref: string, out: Outgoing): Frame => ({ joinRef, ref, ...out });

// A real offer carries a signed S3 URL and one hash per 1 MiB part: a 40 MB image has 40.
const updateOffer = {
  ...updateOfferOnWire,
  firmware_url:
    "https://bucket.s3.amazonaws.com/firmware/12/2d7a0c55-1e4b-5f0a-9d3e-8c1f7a6b2de1.fw?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=86400&X-Amz-Signature=0f3c9a",
  partials_checksums: Array.from({ length: 40 }, (_, i) => sha256Upper(i.toString(16).padStart(4, "0"))),
};

const joinParams = deviceJoinParams(deviceJoinInput);

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
