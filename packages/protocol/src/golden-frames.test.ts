// Golden frames: the example frames of the reference sheets, byte for byte.
import { describe, expect, it } from "vitest";
import { deviceTopic } from "./device-encoders.js";
import type { Frame } from "./frame.js";
import { isReplyPayload } from "./frame.js";
import { decodeDeviceMessage, decodeServerMessage } from "./messages.js";
import { jsonSerializer, msgpackSerializer } from "./serializer.js";
import { updateOffer, updateOfferOnWire } from "./test-support/samples.js";

const json = jsonSerializer();
const msgpack = msgpackSerializer();
const hex = (b: string | Uint8Array) => (typeof b === "string" ? "(text)" : Buffer.from(b).toString("hex"));
const ascii = (s: string) => Buffer.from(s).toString("hex");

// [direction, the text frame as the sheet prints it (elisions filled in), the frame it stands for]
const golden: [string, string, Frame][] = [
  // device-client.md §1.2 (join params shortened as in hub-server.md §1.5)
  [
    "->",
    '["1","1","device","phx_join",{"device_api_version":"2.3.0"}]',
    { joinRef: "1", ref: "1", topic: "device", event: "phx_join", payload: { device_api_version: "2.3.0" } },
  ],
  [
    "<-",
    '["1","1","device","phx_reply",{"status":"ok","response":{}}]',
    { joinRef: "1", ref: "1", topic: "device", event: "phx_reply", payload: { status: "ok", response: {} } },
  ],
  [
    "->",
    '["1","7","device","status_update",{"status":"received"}]',
    { joinRef: "1", ref: "7", topic: "device", event: "status_update", payload: { status: "received" } },
  ],
  [
    "->",
    '[null,"8","phoenix","heartbeat",{}]',
    { joinRef: null, ref: "8", topic: "phoenix", event: "heartbeat", payload: {} },
  ],
  [
    "<-",
    '[null,"8","phoenix","phx_reply",{"status":"ok","response":{}}]',
    {
      joinRef: null,
      ref: "8",
      topic: "phoenix",
      event: "phx_reply",
      payload: { status: "ok", response: {} },
    },
  ],
  // hub-server.md §1.5
  [
    "<-",
    '["3",null,"device","scripts/run",{"text":"IO.puts(1)","ref":"connecting_code"}]',
    {
      joinRef: "3",
      ref: null,
      topic: "device",
      event: "scripts/run",
      payload: { text: "IO.puts(1)", ref: "connecting_code" },
    },
  ],
  [
    "<-",
    '["2","2","bogus","phx_reply",{"status":"error","response":{"reason":"unmatched topic"}}]',
    {
      joinRef: "2",
      ref: "2",
      topic: "bogus",
      event: "phx_reply",
      payload: { status: "error", response: { reason: "unmatched topic" } },
    },
  ],
  [
    "<-",
    '["1",null,"device","phx_error",{"reason":"channel_crash"}]',
    { joinRef: "1", ref: null, topic: "device", event: "phx_error", payload: { reason: "channel_crash" } },
  ],
  // hub-server.md §4.1, with the elided uuid, hashes and URL written out in full
  [
    "<-",
    '[null,null,"device","update",{"update_available":true,' +
      `"firmware_url":"${updateOffer.firmware_url}",` +
      '"firmware_meta":{"architecture":"arm64","author":"ACME","description":"prod image",' +
      '"misc":null,"platform":"rpi4","product":"widget","uuid":"2d7a0c55-1e4b-5f0a-9d3e-8c1f7a6b2de1",' +
      '"vcs_identifier":null,"version":"1.4.0"},' +
      `"size":41234567,"checksum":"${updateOffer.checksum}",` +
      `"partials_checksums":["${updateOffer.partials_checksums.join('","')}"],"deployment_id":7}]`,
    {
      joinRef: null,
      ref: null,
      topic: "device",
      event: "update",
      payload: updateOfferOnWire,
    },
  ],
];

describe.each(golden)("golden frame %s %s", (_, text, frame) => {
  it("decodes to the frame and encodes back to the same text", () => {
    expect(json.decode(text)).toStrictEqual({ ok: true, value: frame });
    expect(json.encode(frame)).toBe(text);
  });

  it("round-trips through msgpack", () => {
    expect(msgpack.decode(msgpack.encode(frame))).toStrictEqual({ ok: true, value: frame });
  });
});

describe("golden frames through the catalog", () => {
  it("reads the §4.1 update offer as a typed message, null metadata as absent", () => {
    const text = (golden.at(-1) as [string, string, Frame])[1];
    const frame = json.decode(text);
    if (!frame.ok) throw frame.error;
    const m = decodeServerMessage(frame.value.topic, frame.value.event, frame.value.payload);
    if (!m.ok || m.value.kind !== "known" || m.value.event !== "update") throw new Error("not an update");
    const p = m.value.payload;
    if (p.update_available === false) throw new Error("expected an offer");
    expect(p.firmware_meta.uuid).toBe("2d7a0c55-1e4b-5f0a-9d3e-8c1f7a6b2de1");
    expect(p.size).toBe(41234567);
    expect(p.checksum).toMatch(/^[0-9A-F]{64}$/);
    expect(p.partials_checksums).toHaveLength(2);
    expect(p.deployment_id).toBe(7);
    expect(p).toStrictEqual(updateOffer);
  });

  it("builds the §1.2 status_update frame from the encoder", () => {
    const { topic, event, payload } = deviceTopic.received();
    expect(json.encode({ joinRef: "1", ref: "7", topic, event, payload })).toBe(golden[2]?.[1]);
    expect(decodeDeviceMessage(topic, event, payload)).toMatchObject({ ok: true, value: { kind: "known" } });
  });

  it("recognises replies and the heartbeat reply body", () => {
    for (const [, , frame] of golden) {
      expect(isReplyPayload(frame.payload), frame.event).toBe(frame.event === "phx_reply");
    }
  });

  it("packs the heartbeat as the exact msgpack bytes", () => {
    const heartbeat = golden[3]?.[2] as Frame;
    expect(hex(msgpack.encode(heartbeat))).toBe(`95c0a138a7${ascii("phoenix")}a9${ascii("heartbeat")}80`);
    const reply = golden[4]?.[2] as Frame;
    expect(hex(msgpack.encode(reply))).toBe(
      `95c0a138a7${ascii("phoenix")}a9${ascii("phx_reply")}82a6${ascii("status")}a2${ascii("ok")}a8${ascii("response")}80`,
    );
  });
});
