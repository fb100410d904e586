import { describe, expect, it } from "vitest";
import { checkAnswer, parseClientLine } from "./protocol.js";

describe("parseClientLine", () => {
  it("reads the three client messages", () => {
    expect(parseClientLine('{"type":"hello","role":"controller"}')).toEqual({
      ok: true,
      message: { type: "hello", role: "controller" },
    });
    expect(parseClientLine('{"type":"request","id":7,"command":"status"}')).toMatchObject({ ok: true });
    expect(parseClientLine('{"type":"answer","id":"q1","action":"apply"}')).toEqual({
      ok: true,
      message: { type: "answer", id: "q1", answer: { action: "apply" } },
    });
  });

  it("names what is wrong", () => {
    expect(parseClientLine("not json")).toMatchObject({ ok: false, code: "bad_json" });
    expect(parseClientLine("[1]")).toMatchObject({ ok: false, code: "bad_json" });
    expect(parseClientLine('{"type":"hello","role":"boss"}')).toMatchObject({
      ok: false,
      code: "bad_message",
    });
    expect(parseClientLine('{"type":"request","command":"status"}')).toMatchObject({
      ok: false,
      message: "request needs an id (string or number)",
    });
    expect(parseClientLine('{"type":"request","id":1,"command":"format_disk"}')).toMatchObject({ ok: false });
    expect(parseClientLine('{"type":"answer","action":"apply"}')).toMatchObject({ ok: false });
    expect(parseClientLine('{"type":"nope"}')).toMatchObject({
      ok: false,
      message: 'unknown message type "nope"',
    });
  });
});

describe("checkAnswer", () => {
  it("accepts each kind's actions with their optional fields", () => {
    expect(checkAnswer("update_available", { action: "ignore", reason: "on battery" })).toEqual({
      ok: true,
      answer: { action: "ignore", reason: "on battery" },
    });
    expect(checkAnswer("update_available", { action: "reschedule" })).toEqual({
      ok: true,
      answer: { action: "reschedule" },
    });
    expect(checkAnswer("reboot", { action: "defer", delay_ms: 1000 })).toEqual({
      ok: true,
      answer: { action: "defer", delay_ms: 1000 },
    });
  });

  it("refuses actions of the other kind and bad fields", () => {
    expect(checkAnswer("reboot", { action: "apply" })).toMatchObject({ ok: false });
    expect(checkAnswer("update_available", { action: "now" })).toMatchObject({ ok: false });
    expect(checkAnswer("update_available", { action: "reschedule", delay_ms: -1 })).toMatchObject({
      ok: false,
    });
    expect(checkAnswer("update_available", { action: "reschedule", delay_ms: 1.5 })).toMatchObject({
      ok: false,
    });
    expect(checkAnswer("update_available", { action: "ignore", reason: 3 })).toMatchObject({ ok: false });
  });
});
