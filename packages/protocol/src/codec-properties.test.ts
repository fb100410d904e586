// Property tests: every decoder, fed arbitrary input, returns a frame/message or a typed error and
// never throws; valid frames round-trip through both serializers.
import { encode as mpEncode } from "@msgpack/msgpack";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { type BinarySender, decodeBinaryFrame } from "./binary-frame.js";
import { isRecord } from "./decode.js";
import { deviceEvents } from "./device-events.js";
import { FrameError, PayloadError } from "./errors.js";
import type { Frame } from "./frame.js";
import { decodeDeviceMessage, decodeServerMessage } from "./messages.js";
import type { Result } from "./result.js";
import { jsonSerializer, msgpackSerializer } from "./serializer.js";
import { serverEvents } from "./server-events.js";
import {
  deviceSamples,
  lifecycleSamples,
  type Sample,
  samplesOf,
  serverSamples,
} from "./test-support/samples.js";

const RUNS = { numRuns: 10_000 };
// Thousands of runs are CPU-bound: about a second on an idle core, several on a loaded shared machine.
vi.setConfig({ testTimeout: 30_000 });

const anythingDeep = fc.anything({
  maxDepth: 3,
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withSparseArray: true,
  withTypedArray: true,
});

function checkFrameResult(r: Result<Frame, FrameError>): void {
  if (!r.ok) {
    expect(r.error).toBeInstanceOf(FrameError);
    return;
  }
  const { joinRef, ref, topic, event } = r.value;
  expect(joinRef === null || typeof joinRef === "string").toBe(true);
  expect(ref === null || typeof ref === "string").toBe(true);
  expect(typeof topic).toBe("string");
  expect(typeof event).toBe("string");
}

function checkMessageResult(r: Result<{ kind: string }, PayloadError>): void {
  if (!r.ok) {
    expect(r.error).toBeInstanceOf(PayloadError);
    expect(r.error.field.length).toBeGreaterThan(0);
    return;
  }
  expect(["known", "unknown", "lifecycle"]).toContain(r.value.kind);
}

/** Five arbitrary elements: gets past the array/arity checks into the field checks. */
const fiveOf = <T>(arb: fc.Arbitrary<T>) => fc.tuple(arb, arb, arb, arb, arb);
const refLike = fc.oneof(fc.constant(null), fc.nat().map(String), fc.integer(), fc.double(), fc.string());

describe("jsonSerializer.decode never throws", () => {
  const json = jsonSerializer();

  it("on arbitrary strings, JSON texts and 5-element arrays", () => {
    const texts = fc.oneof(
      fc.string({ unit: "binary" }),
      fc.json(),
      fiveOf(fc.jsonValue()).map((a) => JSON.stringify(a)),
      fc.tuple(refLike, refLike, fc.string(), fc.string(), fc.jsonValue()).map((a) => JSON.stringify(a)),
    );
    fc.assert(
      fc.property(texts, (text) => checkFrameResult(json.decode(text))),
      RUNS,
    );
  });

  it("on arbitrary binary frames", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => checkFrameResult(json.decode(bytes))),
      RUNS,
    );
  });
});

describe("msgpackSerializer.decode never throws", () => {
  const mp = msgpackSerializer();
  const valid = mp.encode({
    joinRef: "1",
    ref: "2",
    topic: "device",
    event: "update",
    payload: { a: [1, "b"] },
  });

  it("on arbitrary bytes, packed values and damaged frames", () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      fc.jsonValue().map((v) => mpEncode(v)),
      fiveOf(fc.oneof(fc.jsonValue(), fc.date({ noInvalidDate: true }), fc.uint8Array())).map((a) =>
        mpEncode(a),
      ),
      // A valid frame with one byte changed, or cut short.
      fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.boolean()).map(([at, byte, cut]) => {
        const copy = Uint8Array.from(valid as Uint8Array);
        const i = at % copy.length;
        if (cut) return copy.subarray(0, i);
        copy[i] = byte;
        return copy;
      }),
    );
    fc.assert(
      fc.property(bytes, (b) => checkFrameResult(mp.decode(b))),
      RUNS,
    );
  });

  it("on text frames, which it always refuses", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const r = mp.decode(text);
        expect(r.ok).toBe(false);
        checkFrameResult(r);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("decodeBinaryFrame never throws", () => {
  it("on arbitrary bytes and plausible headers, from either sender", () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      fc
        .tuple(
          fc.integer({ min: 0, max: 3 }),
          fc.uint8Array({ maxLength: 4 }),
          fc.uint8Array({ maxLength: 48 }),
        )
        .map(([kind, lengths, rest]) => Uint8Array.from([kind, ...lengths.map((n) => n % 12), ...rest])),
    );
    const sender = fc.constantFrom<BinarySender>("server", "device");
    fc.assert(
      fc.property(bytes, sender, (b, s) => checkFrameResult(decodeBinaryFrame(b, s))),
      RUNS,
    );
  });
});

const eventNames = [
  ...Object.values(serverEvents).flatMap((events) => Object.keys(events)),
  ...Object.values(deviceEvents).flatMap((events) => Object.keys(events)),
  ...lifecycleSamples.map((s) => s.event),
];
const topic = fc.oneof(fc.constantFrom("device", "console", "extensions"), fc.string());
const event = fc.oneof(fc.constantFrom(...eventNames), fc.string());

/** Replaces one value somewhere inside `value` (chosen by `path`) with `junk`. */
function replaceDeep(value: unknown, junk: unknown, path: readonly number[]): unknown {
  const [step, ...rest] = path;
  if (step === undefined) return junk;
  if (Array.isArray(value)) {
    if (value.length === 0) return junk;
    const copy = [...value];
    const i = step % copy.length;
    copy[i] = replaceDeep(copy[i], junk, rest);
    return copy;
  }
  if (isRecord(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0) return { ...value, [String(step)]: junk };
    const key = keys[step % keys.length] as string;
    return { ...value, [key]: replaceDeep(value[key], junk, rest) };
  }
  return junk;
}

/** A valid sample with one field, possibly nested, swapped for junk: reaches deep decoders. */
const damaged = (rows: readonly Sample[]) =>
  fc
    .tuple(fc.constantFrom(...rows), anythingDeep, fc.array(fc.nat(), { minLength: 1, maxLength: 4 }))
    .map(([s, junk, path]) => ({ ...s, payload: replaceDeep(s.payload, junk, path) }));

describe.each([
  ["decodeServerMessage", decodeServerMessage, samplesOf(serverSamples)],
  ["decodeDeviceMessage", decodeDeviceMessage, [...samplesOf(deviceSamples), ...lifecycleSamples]],
] as const)("%s never throws", (_, decode, rows) => {
  it("on arbitrary topics, events and values", () => {
    const payload = fc.oneof(anythingDeep, fc.jsonValue());
    fc.assert(
      fc.property(topic, event, payload, (t, e, p) => checkMessageResult(decode(t, e, p))),
      RUNS,
    );
  });

  it("on valid samples with one field damaged", () => {
    fc.assert(
      fc.property(damaged(rows), (s) => checkMessageResult(decode(s.topic, s.event, s.payload))),
      RUNS,
    );
  });
});

// msgpack refuses "__proto__" map keys on decode (a prototype-pollution guard), so those payloads
// cannot round-trip through it; the catalog never uses such a key.
const hasProtoKey = (v: unknown): boolean =>
  Array.isArray(v)
    ? v.some(hasProtoKey)
    : isRecord(v) && (Object.hasOwn(v, "__proto__") || Object.values(v).some(hasProtoKey));
// msgpack writes -0 as the integer 0.
const withoutNegativeZero = (v: unknown): unknown =>
  Object.is(v, -0)
    ? 0
    : Array.isArray(v)
      ? v.map(withoutNegativeZero)
      : isRecord(v)
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, withoutNegativeZero(x)]))
        : v;

const frameOf = <P>(payload: fc.Arbitrary<P>) =>
  fc.record({
    joinRef: fc.option(fc.nat().map(String), { nil: null }),
    ref: fc.option(fc.nat().map(String), { nil: null }),
    topic: fc.string(),
    event: fc.string(),
    payload,
  });

describe("valid frames round-trip", () => {
  it("through JSON", () => {
    const json = jsonSerializer();
    fc.assert(
      fc.property(frameOf(fc.jsonValue()), (frame) => {
        expect(json.decode(json.encode(frame))).toStrictEqual({
          ok: true,
          value: { ...frame, payload: JSON.parse(JSON.stringify(frame.payload)) },
        });
      }),
      RUNS,
    );
  });

  it("through msgpack, Dates and bytes included", () => {
    const mp = msgpackSerializer();
    const payload = fc.oneof(
      fc.jsonValue(),
      fc.dictionary(fc.string(), fc.oneof(fc.date({ noInvalidDate: true }), fc.uint8Array(), fc.jsonValue())),
    );
    fc.assert(
      fc.property(frameOf(payload), (frame) => {
        fc.pre(!hasProtoKey(frame.payload));
        expect(mp.decode(mp.encode(frame))).toStrictEqual({
          ok: true,
          value: { ...frame, payload: withoutNegativeZero(frame.payload) },
        });
      }),
      RUNS,
    );
  });

  it("through the v2 binary layout", () => {
    const short = fc.string({ maxLength: 40 });
    const sender = fc.constantFrom<BinarySender>("server", "device");
    fc.assert(
      fc.property(
        fc.record({
          joinRef: fc.option(fc.nat().map(String), { nil: null }),
          ref: fc.nat().map(String),
          topic: short,
          event: short,
          payload: fc.uint8Array({ maxLength: 32 }),
        }),
        sender,
        (frame, s) => {
          const from = s === "device" ? jsonSerializer("server") : jsonSerializer("device");
          const to = s === "device" ? jsonSerializer("device") : jsonSerializer("server");
          // A server push carries no ref on the wire.
          const expected = s === "server" ? { ...frame, ref: null } : { ...frame };
          expect(to.decode(from.encode(expected))).toStrictEqual({
            ok: true,
            value: expected,
          });
        },
      ),
      { numRuns: 2000 },
    );
  });
});
