import { describe, expect, it } from "vitest";
import { deviceEvents } from "./device-events.js";
import { PayloadError } from "./errors.js";
import type { Frame } from "./frame.js";
import { decodeDeviceMessage, decodeServerMessage, splitExtensionEvent } from "./messages.js";
import { jsonSerializer, msgpackSerializer, type Serializer } from "./serializer.js";
import { serverEvents } from "./server-events.js";
import {
  deviceSamples,
  lifecycleSamples,
  type Sample,
  samplesOf,
  serverSamples,
  updateOffer,
  viaJson,
} from "./test-support/samples.js";

// Each side decodes the other's frames: the device receives server frames and vice versa.
const codecs: { name: string; wire: (p: unknown) => unknown; device: Serializer; server: Serializer }[] = [
  { name: "json", wire: viaJson, device: jsonSerializer("server"), server: jsonSerializer("device") },
  { name: "msgpack", wire: (p) => p, device: msgpackSerializer(), server: msgpackSerializer() },
];

const label = (s: Sample) => `${s.topic} ${s.event} ${JSON.stringify(s.payload)}`.slice(0, 100);

function throughWire(from: Serializer, to: Serializer, frame: Frame): Frame {
  const decoded = to.decode(from.encode(frame));
  if (!decoded.ok) throw decoded.error;
  return decoded.value;
}

describe("the samples table", () => {
  it("has at least one payload for every catalog event, both directions", () => {
    for (const [table, catalog] of [
      [serverSamples, serverEvents],
      [deviceSamples, deviceEvents],
    ] as const) {
      for (const [topic, events] of Object.entries(catalog)) {
        const have = table[topic as keyof typeof table] as Record<string, readonly unknown[]>;
        for (const event of Object.keys(events)) {
          expect(have[event]?.length ?? 0, `${topic} ${event}`).toBeGreaterThan(0);
        }
      }
    }
  });
});

describe.each(codecs)("catalog round trip over $name", ({ wire, device, server }) => {
  it.each(samplesOf(serverSamples).map((s) => [label(s), s] as const))("server -> device %s", (_, s) => {
    const frame = throughWire(server, device, { joinRef: null, ref: null, ...s });
    expect(frame).toStrictEqual({ joinRef: null, ref: null, ...s, payload: wire(s.payload) });
    const message = decodeServerMessage(frame.topic, frame.event, frame.payload);
    expect(message).toStrictEqual({
      ok: true,
      value: { kind: "known", topic: s.topic, event: s.event, payload: wire(s.payload) },
    });
  });

  it.each(samplesOf(deviceSamples).map((s) => [label(s), s] as const))("device -> server %s", (_, s) => {
    const frame = throughWire(device, server, { joinRef: "3", ref: "17", ...s });
    expect(frame).toStrictEqual({ joinRef: "3", ref: "17", ...s, payload: wire(s.payload) });
    const message = decodeDeviceMessage(frame.topic, frame.event, frame.payload);
    expect(message).toStrictEqual({
      ok: true,
      value: { kind: "known", topic: s.topic, event: s.event, payload: wire(s.payload) },
    });
  });

  it.each(lifecycleSamples.map((s) => [s.event, s] as const))("extension lifecycle %s", (_, s) => {
    const frame = throughWire(device, server, { joinRef: "4", ref: "9", ...s });
    const message = decodeDeviceMessage(frame.topic, frame.event, frame.payload);
    const [extension, action] = s.event.split(":");
    expect(message).toStrictEqual({
      ok: true,
      value: {
        kind: "lifecycle",
        topic: "extensions",
        event: s.event,
        extension,
        action,
        payload: s.payload,
      },
    });
  });
});

describe("timestamps", () => {
  it("come back as Date over msgpack and as ISO strings over JSON", () => {
    const [withDate] = deviceSamples.extensions["health:report"];
    const frame = { joinRef: "4", ref: "9", topic: "extensions", event: "health:report", payload: withDate };
    const overMsgpack = throughWire(msgpackSerializer(), msgpackSerializer(), frame);
    const overJson = throughWire(jsonSerializer(), jsonSerializer(), frame);
    expect((overMsgpack.payload as { value: { timestamp: unknown } }).value.timestamp).toEqual(
      new Date("2026-08-12T01:02:03.456Z"),
    );
    expect((overJson.payload as { value: { timestamp: unknown } }).value.timestamp).toBe(
      "2026-08-12T01:02:03.456Z",
    );
  });
});

const wrongTypes: [
  direction: "server" | "device",
  topic: string,
  event: string,
  payload: unknown,
  field: string,
][] = [
  ["server", "device", "update", { ...updateOffer, firmware_meta: { uuid: 5 } }, "firmware_meta.uuid"],
  ["server", "device", "update", { ...updateOffer, firmware_meta: "v1" }, "firmware_meta"],
  ["server", "device", "update", { firmware_meta: {} }, "firmware_url"],
  ["server", "device", "update", { ...updateOffer, size: "12" }, "size"],
  ["server", "device", "update", { ...updateOffer, checksum: "9F86" }, "checksum"],
  ["server", "device", "update", { ...updateOffer, partials_checksums: ["A", "B"] }, "partials_checksums[0]"],
  ["server", "device", "archive", { uuid: "x" }, "url"],
  ["server", "device", "scripts/run", { ref: "a", text: "b", timeout: "10s" }, "timeout"],
  ["server", "device", "fwup_public_keys", { keys: "k" }, "keys"],
  ["server", "device", "reboot", "now", "payload"],
  ["server", "console", "window_size", { height: "24", width: 80 }, "height"],
  ["server", "console", "dn", { data: 7 }, "data"],
  ["server", "extensions", "attach", { extensions: 3 }, "extensions"],
  ["server", "extensions", "local_shell:window_size", { rows: 1.5, cols: 80 }, "rows"],
  ["device", "device", "status_update", {}, "status"],
  ["device", "device", "status_update", { status: "done" }, "status"],
  ["device", "device", "status_update", { status: "rescheduled", delay_for: "15m" }, "delay_for"],
  [
    "device",
    "device",
    "status_update",
    { status: "started", downloader_network_interface: 1 },
    "downloader_network_interface",
  ],
  ["device", "device", "fwup_progress", { stage: "downloading", value: 101 }, "value"],
  ["device", "device", "fwup_progress", { stage: "downloading", value: 50.5 }, "value"],
  ["device", "device", "fwup_progress", { stage: "flashing", value: 5 }, "stage"],
  ["device", "device", "scripts/run", { ref: "a", output: "" }, "return"],
  ["device", "device", "connection_types", { values: ["wifi", 4] }, "values[1]"],
  ["device", "console", "file-data", { filename: "f", chunk: "0", data: "" }, "chunk"],
  ["device", "extensions", "health:report", {}, "value"],
  ["device", "extensions", "geo:location:update", { latitude: "52", longitude: 13 }, "latitude"],
  ["device", "extensions", "geo:location:update", { error_code: "X" }, "error_description"],
  [
    "device",
    "extensions",
    "network_identity:report",
    { identities: [{ service: "iroh", identifier: 12 }] },
    "identities[0].identifier",
  ],
  ["device", "extensions", "logging:send", { level: "info", message: "m", meta: { time: 5 } }, "meta.time"],
  ["device", "extensions", "local_shell:request_status", { status: "ok" }, "status"],
  ["device", "extensions", "health:error", {}, "reason"],
];

describe("payloads of the wrong shape", () => {
  it.each(wrongTypes)("%s %s %s %o names %s", (direction, topic, event, payload, field) => {
    const decode = direction === "server" ? decodeServerMessage : decodeDeviceMessage;
    const r = decode(topic, event, payload);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toBeInstanceOf(PayloadError);
    expect(r.error).toMatchObject({ field, topic, event });
    expect(r.error.message).toContain(`"${field}"`);
  });
});

describe("tolerance", () => {
  it("drops unknown fields and treats null as absent", () => {
    const r = decodeServerMessage("device", "update", {
      ...updateOffer,
      firmware_meta: { ...updateOffer.firmware_meta, misc: null, vcs_identifier: null, extra: 1 },
      checksum: null,
      deployment_id: null,
      future_field: { anything: true },
    });
    const { checksum: _c, deployment_id: _d, ...rest } = updateOffer;
    expect(r).toStrictEqual({
      ok: true,
      value: { kind: "known", topic: "device", event: "update", payload: rest },
    });
  });

  it("accepts an update with update_available false and nothing else", () => {
    const r = decodeServerMessage("device", "update", {
      update_available: false,
      firmware_url: null,
      firmware_meta: null,
      size: null,
    });
    expect(r.ok && r.value.payload).toStrictEqual({ update_available: false });
  });

  it("drops non-string signing keys instead of refusing the message", () => {
    const r = decodeServerMessage("device", "fwup_public_keys", { keys: ["k1", 5, null, "k2"] });
    expect(r.ok && r.value.payload).toStrictEqual({ keys: ["k1", "k2"] });
  });

  it("keeps a __proto__ key in free-form maps as data", () => {
    const meta = JSON.parse('{"__proto__":"x","app":"agent"}');
    const r = decodeDeviceMessage("extensions", "logging:send", { level: "info", message: "m", meta });
    const decoded = r.ok ? (r.value.payload as { meta: Record<string, string> }).meta : undefined;
    expect(Object.entries(decoded ?? {})).toEqual([
      ["__proto__", "x"],
      ["app", "agent"],
    ]);
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
  });
});

describe("unknown events", () => {
  it.each([
    ["device", "location:update"],
    ["device", "toString"],
    ["device", "__proto__"],
    ["console", "bell"],
    ["extensions", "geo:location:attached"],
    ["phoenix", "heartbeat"],
    ["device:123", "update"],
  ])("%s %s from either side is kind unknown, payload kept", (topic, event) => {
    const payload = { anything: [1, 2] };
    const expected = { ok: true, value: { kind: "unknown", topic, event, payload } };
    expect(decodeServerMessage(topic, event, payload)).toStrictEqual(expected);
    expect(decodeDeviceMessage(topic, event, payload)).toStrictEqual(expected);
  });

  it("extension lifecycle events exist only on the extensions topic", () => {
    expect(decodeDeviceMessage("device", "health:attached", {})).toMatchObject({
      ok: true,
      value: { kind: "unknown" },
    });
  });
});

describe("splitExtensionEvent", () => {
  it("splits at the first colon only", () => {
    expect(splitExtensionEvent("geo:location:request")).toEqual(["geo", "location:request"]);
    expect(splitExtensionEvent("health:check")).toEqual(["health", "check"]);
    expect(splitExtensionEvent("attach")).toBeUndefined();
    expect(splitExtensionEvent(":check")).toBeUndefined();
  });
});
