import { describe, expect, it } from "vitest";
import {
  END_OF_INPUT,
  encodeRecord,
  FwupOutputParser,
  FwupProtocolError,
  frameHeader,
} from "./fwup-framing.js";

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ""), "hex");

describe("fwup framing", () => {
  it("frames stdin chunks with a u32 big-endian length; the end frame is four zeros", () => {
    expect([...frameHeader(9004)]).toEqual([0x00, 0x00, 0x23, 0x2c]);
    expect([...END_OF_INPUT]).toEqual([0, 0, 0, 0]);
    expect(() => frameHeader(-1)).toThrow(RangeError);
  });

  it("parses the exact stdout observed from fwup 1.16.0 on success", () => {
    // observed-tokens-and-fwup.md: PR 0, PR 99, PR 100, OK 0 "", then 1a 00.
    const bytes = hex("00000004 5052 0000 00000004 5052 0063 00000004 5052 0064 00000004 4f4b 0000 1a 00");
    expect(bytes).toHaveLength(34);
    expect(new FwupOutputParser().push(bytes)).toEqual([
      { kind: "message", message: { type: "progress", percent: 0 } },
      { kind: "message", message: { type: "progress", percent: 99 } },
      { kind: "message", message: { type: "progress", percent: 100 } },
      { kind: "message", message: { type: "ok", code: 0, text: "" } },
      { kind: "handshake", status: 0 },
    ]);
  });

  it("parses an ER record with its message and the failing handshake", () => {
    const text = "Firmware archive's meta.conf fails digital signature verification.";
    const bytes = Buffer.concat([hex("00000046 4552 0000"), Buffer.from(text), hex("1a 01")]);
    expect(new FwupOutputParser().push(bytes)).toEqual([
      { kind: "message", message: { type: "error", code: 0, text } },
      { kind: "handshake", status: 1 },
    ]);
  });

  it("reassembles records split at every possible byte", () => {
    const all = Buffer.concat([
      encodeRecord("PR", 43),
      encodeRecord("WN", 0, "hello from fwup.conf"),
      encodeRecord("OK", 0, "héllo"),
      hex("1a00"),
    ]);
    for (let cut = 0; cut <= all.length; cut++) {
      const p = new FwupOutputParser();
      const out = [...p.push(all.subarray(0, cut)), ...p.push(all.subarray(cut))];
      expect(out.map((o) => (o.kind === "message" ? o.message.type : o.kind))).toEqual([
        "progress",
        "warning",
        "ok",
        "handshake",
      ]);
    }
  });

  it("accepts the older WA warning type and keeps unknown records", () => {
    const out = new FwupOutputParser().push(
      Buffer.concat([encodeRecord("WA", 3, "old"), encodeRecord("ZZ", 1, "?")]),
    );
    expect(out).toEqual([
      { kind: "message", message: { type: "warning", code: 3, text: "old" } },
      { kind: "unknown", type: "ZZ", code: 1, text: "?" },
    ]);
  });

  it("ignores anything after the handshake and counts an unfinished record", () => {
    const p = new FwupOutputParser();
    expect(p.push(hex("1a 00 00 00"))).toEqual([{ kind: "handshake", status: 0 }]);
    expect(p.push(hex("00000004"))).toEqual([]);
    const q = new FwupOutputParser();
    q.push(hex("00000004 50"));
    expect(q.pending).toBe(5);
  });

  it("refuses bytes that are not fwup framing", () => {
    expect(() => new FwupOutputParser().push(Buffer.from("usage: fwup [options]"))).toThrow(
      FwupProtocolError,
    );
    expect(() => new FwupOutputParser().push(hex("00000002 5052"))).toThrow(FwupProtocolError);
  });
});
