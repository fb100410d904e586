// Phoenix's encode/decode hooks backed by the protocol package's serializers. A frame the serializer
// rejects is dropped and logged, with repeats of the same error folded into a count.
import type { Logger } from "@nerves-hub-ts/ports";
import {
  type Frame,
  jsonSerializer,
  msgpackSerializer,
  type Serializer,
  type WireData,
} from "@nerves-hub-ts/protocol";

/** The message shape phoenix's Socket hands to encode and expects back from decode. */
export interface PhoenixMessage {
  join_ref?: string | null;
  ref?: string | null;
  topic: string;
  event: string;
  payload: unknown;
}

const REPEAT_WINDOW_MS = 60_000;

/** Logs a message once per window per key; repeats inside the window are only counted. */
export class RateLimitedLog {
  private seen = new Map<string, { since: number; suppressed: number }>();
  constructor(
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  warn(key: string, msg: string, fields: Record<string, unknown>): void {
    const t = this.now();
    const entry = this.seen.get(key);
    if (entry && t - entry.since < REPEAT_WINDOW_MS) {
      entry.suppressed++;
      return;
    }
    const repeated = entry?.suppressed ? { repeatedSinceLastLog: entry.suppressed } : {};
    if (this.seen.size > 256) this.seen.clear();
    this.seen.set(key, { since: t, suppressed: 0 });
    this.log.warn(msg, { ...fields, ...repeated });
  }
}

export interface FrameCodec {
  serializer: Serializer;
  encode(message: PhoenixMessage, callback: (encoded: string | Uint8Array) => void): void;
  decode(raw: WireData, callback: (message: PhoenixMessage) => void): void;
}

export function frameCodec(kind: "json" | "msgpack", log: RateLimitedLog): FrameCodec {
  const serializer = kind === "msgpack" ? msgpackSerializer() : jsonSerializer();
  return {
    serializer,
    encode(message, callback) {
      const frame: Frame = {
        joinRef: message.join_ref ?? null,
        ref: message.ref ?? null,
        topic: message.topic,
        event: message.event,
        payload: message.payload,
      };
      let encoded: string | Uint8Array;
      try {
        encoded = serializer.encode(frame);
      } catch (e) {
        log.warn(`encode:${message.event}`, "could not encode an outgoing message; dropped", {
          topic: message.topic,
          event: message.event,
          error: (e as Error).message,
        });
        return;
      }
      callback(encoded);
    },
    decode(raw, callback) {
      const result = serializer.decode(raw);
      if (!result.ok) {
        log.warn(`decode:${result.error.code}`, "dropped a frame from the hub that could not be decoded", {
          code: result.error.code,
          error: result.error.message,
        });
        return;
      }
      const f = result.value;
      callback({ join_ref: f.joinRef, ref: f.ref, topic: f.topic, event: f.event, payload: f.payload });
    },
  };
}
