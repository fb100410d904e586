import { Decoder, Encoder } from "@msgpack/msgpack";
import { type BinarySender, decodeBinaryFrame, encodeBinaryFrame } from "./binary-frame.js";
import { FrameError } from "./errors.js";
import { type Frame, isReplyPayload, PhxEvent } from "./frame.js";
import { frameFromArray, frameToArray } from "./frame-array.js";
import { err, type Result } from "./result.js";

/** What arrives from a websocket: a text frame or a binary one. */
export type WireData = string | ArrayBuffer | Uint8Array;

/** Turns frames into websocket messages and back. `decode` never throws. */
export interface Serializer {
  /** The `vsn` query parameter that selects this serializer on the server. */
  readonly vsn: "2.0.0" | "3.0.0";
  readonly frameType: "text" | "binary";
  encode(frame: Frame): string | Uint8Array;
  decode(data: WireData): Result<Frame, FrameError>;
}

function toBytes(data: ArrayBuffer | Uint8Array): Uint8Array {
  return data instanceof Uint8Array ? data : new Uint8Array(data);
}

/** A push whose payload, or a reply whose response, is raw bytes: JSON cannot carry it. */
function hasBinaryPayload(frame: Frame): boolean {
  const p = frame.payload;
  if (p instanceof Uint8Array) return true;
  return frame.event === PhxEvent.reply && isReplyPayload(p) && p.response instanceof Uint8Array;
}

/**
 * JSON text frames (`vsn=2.0.0`). Binary frames in the v2 binary layout are decoded too;
 * `binarySender` says whose binary frames this side receives. A frame with a raw-bytes payload is
 * encoded in that binary layout (as the peer's sender) rather than as a text frame.
 */
export function jsonSerializer(binarySender: BinarySender = "server"): Serializer {
  const ownSide: BinarySender = binarySender === "server" ? "device" : "server";
  return {
    vsn: "2.0.0",
    frameType: "text",
    encode: (frame) =>
      hasBinaryPayload(frame) ? encodeBinaryFrame(frame, ownSide) : JSON.stringify(frameToArray(frame)),
    decode(data) {
      if (typeof data !== "string") return decodeBinaryFrame(toBytes(data), binarySender);
      let parsed: unknown;
      try {
        parsed = JSON.parse(data);
      } catch (e) {
        return err(new FrameError("bad_json", `text frame is not JSON: ${(e as Error).message}`));
      }
      return frameFromArray(parsed);
    },
  };
}

/**
 * MessagePack binary frames (`vsn=3.0.0`): one 5-element array per frame, no extra header.
 * Dates go out as the msgpack timestamp extension (type -1) and come back as Date.
 */
export function msgpackSerializer(): Serializer {
  // One encoder and decoder per serializer: the library's encode()/decode() build new ones per call.
  const encoder = new Encoder({ ignoreUndefined: true });
  const decoder = new Decoder();
  return {
    vsn: "3.0.0",
    frameType: "binary",
    encode: (frame) => encoder.encode(frameToArray(frame)),
    decode(data) {
      if (typeof data === "string") {
        return err(
          new FrameError("unexpected_frame_type", "msgpack frames must be binary, got a text frame"),
        );
      }
      let parsed: unknown;
      try {
        parsed = decoder.decode(toBytes(data));
      } catch (e) {
        return err(new FrameError("bad_msgpack", `binary frame is not MessagePack: ${(e as Error).message}`));
      }
      return frameFromArray(parsed);
    },
  };
}

/** Picks the serializer a `vsn` value selects, as the server negotiates (`~> 2.0.0`, `~> 3.0.0`). */
export function serializerForVsn(
  vsn: string | null | undefined,
  binarySender: BinarySender = "server",
): Serializer | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(vsn ?? "");
  if (!m) return undefined;
  if (m[1] === "2" && m[2] === "0") return jsonSerializer(binarySender);
  if (m[1] === "3" && m[2] === "0") return msgpackSerializer();
  return undefined;
}
