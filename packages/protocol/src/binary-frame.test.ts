import { describe, expect, it } from "vitest";
import { BinaryKind, decodeBinaryFrame, encodeBinaryFrame } from "./binary-frame.js";
import { FrameError } from "./errors.js";
import type { Frame } from "./frame.js";

const te = new TextEncoder();
/** Builds bytes from numbers (single bytes), strings (UTF-8) and byte arrays, in order. */
const bytes = (...parts: (number | string | Uint8Array)[]): Uint8Array =>
  new Uint8Array(
    parts.flatMap((p) =>
      typeof p === "number" ? [p] : Array.from(typeof p === "string" ? te.encode(p) : p),
    ),
  );
const data = new Uint8Array([0x00, 0xff, 0x10, 0x80]);

// Layouts of device-client.md §1.2: one length byte per string, then the strings, then raw data.
const layouts: {
  name: string;
  sender: "device" | "server";
  wire: Uint8Array;
  frame: Frame;
}[] = [
  {
    name: "push from the device (with ref)",
    sender: "device",
    wire: bytes(BinaryKind.push, 1, 2, 7, 8, "3", "12", "console", "file-out", data),
    frame: { joinRef: "3", ref: "12", topic: "console", event: "file-out", payload: data },
  },
  {
    name: "push from the server (no ref)",
    sender: "server",
    wire: bytes(BinaryKind.push, 1, 7, 2, "3", "console", "dn", data),
    frame: { joinRef: "3", ref: null, topic: "console", event: "dn", payload: data },
  },
  {
    name: "reply",
    sender: "server",
    wire: bytes(BinaryKind.reply, 1, 2, 6, 2, "1", "42", "device", "ok", data),
    frame: {
      joinRef: "1",
      ref: "42",
      topic: "device",
      event: "phx_reply",
      payload: { status: "ok", response: data },
    },
  },
  {
    name: "error reply",
    sender: "server",
    wire: bytes(BinaryKind.reply, 1, 1, 7, 5, "1", "5", "console", "error", data),
    frame: {
      joinRef: "1",
      ref: "5",
      topic: "console",
      event: "phx_reply",
      payload: { status: "error", response: data },
    },
  },
  {
    name: "broadcast",
    sender: "server",
    wire: bytes(BinaryKind.broadcast, 6, 6, "device", "update", data),
    frame: { joinRef: null, ref: null, topic: "device", event: "update", payload: data },
  },
];

describe("v2 binary frames", () => {
  it.each(layouts)("decodes a $name", ({ sender, wire, frame }) => {
    expect(decodeBinaryFrame(wire, sender)).toStrictEqual({ ok: true, value: frame });
  });

  it.each(layouts)("encodes a $name byte for byte", ({ sender, wire, frame }) => {
    expect(encodeBinaryFrame(frame, sender)).toStrictEqual(wire);
  });

  it("treats a push from the server as server-sent by default", () => {
    const [, serverPush] = layouts;
    expect(decodeBinaryFrame(serverPush?.wire ?? new Uint8Array())).toMatchObject({
      ok: true,
      value: { ref: null },
    });
  });

  it("round-trips an empty payload and multi-byte UTF-8 strings", () => {
    const frame: Frame = {
      joinRef: "9",
      ref: "10",
      topic: "extensions",
      event: "geo:ü",
      payload: new Uint8Array(),
    };
    expect(decodeBinaryFrame(encodeBinaryFrame(frame, "device"), "device")).toStrictEqual({
      ok: true,
      value: frame,
    });
  });

  it("copies the payload out of the input buffer", () => {
    const wire = bytes(BinaryKind.broadcast, 1, 1, "t", "e", 1, 2);
    const r = decodeBinaryFrame(wire);
    wire[wire.length - 1] = 99;
    expect(r.ok && r.value.payload).toStrictEqual(new Uint8Array([1, 2]));
  });

  it("refuses strings longer than one length byte can say", () => {
    const frame: Frame = { joinRef: null, ref: null, topic: "t".repeat(256), event: "e", payload: data };
    expect(() => encodeBinaryFrame(frame, "server")).toThrow(RangeError);
  });

  it.each([
    ["an empty frame", bytes(), "empty"],
    ["an unknown kind", bytes(3, 1, 1, "t", "e"), "kind 3"],
    ["a truncated header", bytes(BinaryKind.reply, 1, 1), "header"],
    ["truncated strings", bytes(BinaryKind.broadcast, 6, 6, "device", "upd"), "truncated"],
    ["invalid UTF-8", bytes(BinaryKind.broadcast, 1, 1, 0xc3, "e"), "UTF-8"],
    ["a reply status other than ok/error", bytes(BinaryKind.reply, 0, 0, 1, 5, "t", "maybe"), "status"],
  ])("rejects %s with a FrameError", (_, wire, says) => {
    const r = decodeBinaryFrame(wire, "device");
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toBeInstanceOf(FrameError);
    expect(r.error.code).toBe("bad_binary_frame");
    expect(r.error.message).toContain(says);
  });
});
