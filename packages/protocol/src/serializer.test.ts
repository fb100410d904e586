import { encode as mpEncode } from "@msgpack/msgpack";
import { describe, expect, it } from "vitest";
import { FrameError } from "./errors.js";
import type { Frame } from "./frame.js";
import { replyFrame } from "./frame.js";
import { jsonSerializer, msgpackSerializer, type Serializer, serializerForVsn } from "./serializer.js";

const hex = (bytes: string | Uint8Array): string =>
  typeof bytes === "string" ? "(text)" : Buffer.from(bytes).toString("hex");
const fromHex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h.replace(/\s+/g, ""), "hex"));
const ascii = (s: string): string => Buffer.from(s).toString("hex");
const arrayBufferOf = (b: Uint8Array): ArrayBuffer => {
  const copy = new ArrayBuffer(b.byteLength);
  new Uint8Array(copy).set(b);
  return copy;
};

function decodeError(s: Serializer, data: string | Uint8Array): FrameError {
  const r = s.decode(data);
  if (r.ok) throw new Error(`expected a FrameError, got ${JSON.stringify(r.value)}`);
  expect(r.error).toBeInstanceOf(FrameError);
  return r.error;
}

const join: Frame = {
  joinRef: "1",
  ref: "1",
  topic: "device",
  event: "phx_join",
  payload: { device_api_version: "2.3.0" },
};

describe("serializer selection", () => {
  it("has the vsn and frame type the server negotiates on", () => {
    expect(jsonSerializer()).toMatchObject({ vsn: "2.0.0", frameType: "text" });
    expect(msgpackSerializer()).toMatchObject({ vsn: "3.0.0", frameType: "binary" });
  });

  it.each([
    ["2.0.0", "2.0.0"],
    ["2.0.7", "2.0.0"],
    ["3.0.0", "3.0.0"],
    ["3.0.2", "3.0.0"],
    ["2.1.0", undefined],
    ["3.1.0", undefined],
    ["1.0.0", undefined],
    ["2.0", undefined],
    ["banana", undefined],
    [null, undefined],
    [undefined, undefined],
  ])("vsn %s selects %s", (vsn, want) => {
    expect(serializerForVsn(vsn)?.vsn).toBe(want);
  });
});

describe("jsonSerializer", () => {
  const json = jsonSerializer();

  it("writes the five-element array of hub-server.md §1.5", () => {
    expect(json.encode(join)).toBe('["1","1","device","phx_join",{"device_api_version":"2.3.0"}]');
  });

  it("turns integer refs into strings and keeps null refs", () => {
    expect(json.decode('[1,27,"device","phx_reply",{}]')).toStrictEqual({
      ok: true,
      value: { joinRef: "1", ref: "27", topic: "device", event: "phx_reply", payload: {} },
    });
    expect(json.decode('[null,null,"device","identify",{}]')).toMatchObject({
      ok: true,
      value: { joinRef: null, ref: null },
    });
  });

  it.each([
    ["not json", "[1,2", "bad_json", undefined],
    ["not an array", '{"topic":"device"}', "not_array", undefined],
    ["four elements", '["1","1","device","phx_join"]', "wrong_arity", undefined],
    ["six elements", '["1","1","device","phx_join",{},{}]', "wrong_arity", undefined],
    ["an object join_ref", '[{},"1","device","x",{}]', "bad_field", "join_ref"],
    ["a fractional ref", '["1",1.5,"device","x",{}]', "bad_field", "ref"],
    ["a boolean ref", '["1",true,"device","x",{}]', "bad_field", "ref"],
    ["a numeric topic", '["1","1",5,"x",{}]', "bad_field", "topic"],
    ["a null event", '["1","1","device",null,{}]', "bad_field", "event"],
  ])("rejects %s with a typed error", (_, text, code, field) => {
    const e = decodeError(json, text);
    expect(e.code).toBe(code);
    expect(e.field).toBe(field);
    if (field) expect(e.message).toContain(field);
  });

  it("sends Dates as ISO-8601 strings", () => {
    const frame = { ...join, payload: { timestamp: new Date(Date.UTC(2026, 7, 12, 1, 2, 3, 456)) } };
    expect(json.encode(frame)).toContain('{"timestamp":"2026-08-12T01:02:03.456Z"}');
  });

  it("decodes binary frames in the v2 binary layout, from an ArrayBuffer too", () => {
    const bytes = fromHex(`02 06 02 ${ascii("device")}${ascii("hi")} 010203`);
    const r = json.decode(arrayBufferOf(bytes));
    expect(r).toStrictEqual({
      ok: true,
      value: { joinRef: null, ref: null, topic: "device", event: "hi", payload: new Uint8Array([1, 2, 3]) },
    });
  });

  it("encodes a raw-bytes payload as a binary frame, not as a JSON object of indices", () => {
    const push: Frame = {
      joinRef: "2",
      ref: "5",
      topic: "console",
      event: "up",
      payload: new Uint8Array([9]),
    };
    const encoded = jsonSerializer("server").encode(push);
    expect(hex(encoded)).toBe(
      `00 01 01 07 02 ${ascii("2")}${ascii("5")}${ascii("console")}${ascii("up")} 09`.replace(/ /g, ""),
    );
    expect(jsonSerializer("device").decode(encoded)).toStrictEqual({ ok: true, value: push });

    const reply = replyFrame(push, "ok", new Uint8Array([7, 7]));
    const server = jsonSerializer("device");
    expect(jsonSerializer("server").decode(server.encode(reply))).toStrictEqual({ ok: true, value: reply });
  });
});

describe("msgpackSerializer", () => {
  const mp = msgpackSerializer();

  it("packs the frame as one 5-element msgpack array with no header", () => {
    const heartbeat: Frame = { joinRef: null, ref: "8", topic: "phoenix", event: "heartbeat", payload: {} };
    expect(hex(mp.encode(heartbeat))).toBe(
      `95 c0 a1 38 a7 ${ascii("phoenix")} a9 ${ascii("heartbeat")} 80`.replace(/ /g, ""),
    );
  });

  it("turns integer refs into strings, as the server does", () => {
    const bytes = mpEncode([7, 12, "device", "status_update", { status: "received" }]);
    expect(mp.decode(bytes)).toStrictEqual({
      ok: true,
      value: {
        joinRef: "7",
        ref: "12",
        topic: "device",
        event: "status_update",
        payload: { status: "received" },
      },
    });
  });

  it("rejects text frames", () => {
    const e = decodeError(mp, '["1","1","device","phx_join",{}]');
    expect(e.code).toBe("unexpected_frame_type");
  });

  it.each([
    ["undecodable bytes", new Uint8Array([0xc1]), "bad_msgpack", undefined],
    [
      "a truncated array",
      mpEncode(["1", "1", "device", "x", { a: 1 }]).subarray(0, 12),
      "bad_msgpack",
      undefined,
    ],
    [
      "trailing bytes",
      new Uint8Array([...mpEncode(["1", "1", "t", "e", {}]), 0x00]),
      "bad_msgpack",
      undefined,
    ],
    ["a map", mpEncode({ topic: "device" }), "not_array", undefined],
    ["four elements", mpEncode(["1", "1", "device", "x"]), "wrong_arity", undefined],
    ["a binary topic", mpEncode(["1", "1", new Uint8Array([1]), "x", {}]), "bad_field", "topic"],
    ["a float ref", mpEncode(["1", 2.5, "device", "x", {}]), "bad_field", "ref"],
    ["an array join_ref", mpEncode([[1], "1", "device", "x", {}]), "bad_field", "join_ref"],
    ["an integer event", mpEncode(["1", "1", "device", 4, {}]), "bad_field", "event"],
  ])("rejects %s with a typed error", (_, bytes, code, field) => {
    const e = decodeError(mp, bytes);
    expect(e.code).toBe(code);
    expect(e.field).toBe(field);
  });

  // The msgpack timestamp extension is type -1 (0xff); the lib picks the smallest form that fits.
  it.each([
    ["32-bit form for whole seconds", Date.UTC(2023, 10, 14, 22, 13, 20), "d6 ff 6553f100"],
    [
      "64-bit form when there are milliseconds",
      Date.UTC(2023, 10, 14, 22, 13, 20, 123),
      "d7 ff 1d535300 6553f100",
    ],
    ["64-bit form past 2106 (34-bit seconds)", Date.UTC(2106, 1, 7, 6, 28, 16), "d7 ff 00000001 00000000"],
    ["96-bit form before 1970", Date.UTC(1969, 11, 31, 23, 59, 59), "c7 0c ff 00000000 ffffffffffffffff"],
    ["96-bit form past 2514", Date.UTC(2514, 4, 30, 1, 53, 4), "c7 0c ff 00000000 0000000400000000"],
  ])("sends a Date as timestamp ext -1: %s", (_, ms, extHex) => {
    const frame: Frame = {
      joinRef: "4",
      ref: "9",
      topic: "extensions",
      event: "x",
      payload: { t: new Date(ms) },
    };
    const expected = `95 a1 34 a1 39 aa ${ascii("extensions")} a1 78 81 a1 74 ${extHex}`.replace(/ /g, "");
    const bytes = mp.encode(frame);
    expect(hex(bytes)).toBe(expected);
    expect(mp.decode(bytes)).toStrictEqual({ ok: true, value: frame });
  });

  it("reads a timestamp extension written by another encoder as a Date", () => {
    // [null,null,"extensions","x",{"t": <ts32 1700000000>}] packed by hand.
    const bytes = fromHex(`95 c0 c0 aa ${ascii("extensions")} a1 78 81 a1 74 d6 ff 6553f100`);
    const r = mp.decode(bytes);
    expect(r.ok && (r.value.payload as { t: Date }).t).toEqual(new Date("2023-11-14T22:13:20Z"));
  });

  it("decodes from an ArrayBuffer", () => {
    expect(mp.decode(arrayBufferOf(mp.encode(join) as Uint8Array))).toStrictEqual({ ok: true, value: join });
  });

  it("gives every encode its own bytes, though one encoder is reused", () => {
    const first = mp.encode(join);
    const second = mp.encode({ ...join, ref: "2", payload: { other: "payload that is longer" } });
    expect(mp.decode(first)).toStrictEqual({ ok: true, value: join });
    expect(mp.decode(second)).toMatchObject({ ok: true, value: { ref: "2" } });
  });

  it("drops undefined keys like JSON does", () => {
    const frame = { ...join, payload: { a: 1, b: undefined } };
    expect(mp.decode(mp.encode(frame))).toStrictEqual({ ok: true, value: { ...join, payload: { a: 1 } } });
  });
});
