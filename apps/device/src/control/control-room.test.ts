import { ManualClock, MemoryLogger } from "@nerves-hub-ts/link/testing";
import { describe, expect, it } from "vitest";
import { flush, joinRoom } from "../test-support/fake-session.js";
import { ControlRoom } from "./control-room.js";
import type { AgentMessage } from "./protocol.js";

function setup(status: () => Promise<unknown> = async () => ({ connection: "joined" })) {
  const clock = new ManualClock();
  const marked: string[] = [];
  const room = new ControlRoom({
    clock,
    logger: new MemoryLogger(),
    status,
    commands: {
      mark_valid: async () => {
        marked.push("mark_valid");
        return { validated: true };
      },
      reboot: async () => {
        throw new Error("reboot_command failed");
      },
    },
  });
  const connect = (role?: "controller" | "observer") => joinRoom(room, role);
  return { clock, room, connect, marked };
}

const UPDATE_FALLBACK = { action: "apply" } as const;

/** A status the test hands out when it chooses, to hold a welcome back. */
function heldStatus() {
  let release: (status: unknown) => void = () => undefined;
  const promise = new Promise<unknown>((r) => {
    release = r;
  });
  return { status: () => promise, release };
}

const kinds = (s: { sent: AgentMessage[] }) => s.sent.map((m) => (m.type === "error" ? m.code : m.type));

describe("ControlRoom", () => {
  it("welcomes each role with the status", async () => {
    const { connect } = setup();
    const observer = await connect("observer");
    expect(observer.last()).toEqual({
      type: "welcome",
      protocol: 1,
      role: "observer",
      status: { connection: "joined" },
    });
  });

  it("refuses a second controller and closes it; the first keeps its role", async () => {
    const { room, connect } = setup();
    await connect("controller");
    const second = await connect("controller");
    expect(second.last()).toMatchObject({ type: "error", code: "controller_taken" });
    expect(second.closed).toBe(true);
    expect(room.hasController).toBe(true);
    expect(room.sessionCount).toBe(1);
  });

  it("refuses a second controller that says hello while the first welcome is still pending", async () => {
    const held = heldStatus();
    const { room, connect } = setup(held.status);
    const first = await connect("controller");
    const second = await connect("controller");
    expect(second.sent).toMatchObject([{ type: "error", code: "controller_taken" }]);
    expect(second.closed).toBe(true);
    expect(first.sent).toEqual([]);
    held.release({ connection: "joined" });
    await flush();
    expect(first.sent).toMatchObject([{ type: "welcome", role: "controller" }]);
    expect(room.hasController).toBe(true);
    expect(room.sessionCount).toBe(1);
  });

  it("the welcome comes first: whatever a client causes before it goes out waits for it", async () => {
    const held = heldStatus();
    const { connect } = setup(held.status);
    const s = await connect("controller");
    s.peer.receive({ type: "hello", role: "observer" });
    s.peer.receive({ type: "answer", id: "q9", answer: { action: "now" } });
    s.peer.receive({ type: "request", id: 1, command: "mark_valid" });
    await flush();
    s.peer.send({ type: "error", code: "bad_json", message: "not JSON" });
    s.peer.close();
    await flush();
    expect(s.sent).toEqual([]);
    expect(s.closed).toBe(false);
    held.release({ connection: "joined" });
    await flush();
    expect(kinds(s)).toEqual(["welcome", "already_greeted", "unknown_question", "reply", "bad_json"]);
    expect(s.closed).toBe(true);
  });

  it("a controller that leaves frees the role", async () => {
    const { room, connect } = setup();
    const first = await connect("controller");
    first.peer.left();
    expect(room.hasController).toBe(false);
    const next = await connect("controller");
    expect(next.last()).toMatchObject({ type: "welcome", role: "controller" });
  });

  it("asks the controller and settles with its answer", async () => {
    const { room, connect } = setup();
    const controller = await connect("controller");
    const asked = room.ask(
      "update_available",
      { update: { uuid: "u1" } },
      { timeoutMs: 5000, fallback: UPDATE_FALLBACK },
    );
    const question = controller.ofType("question")[0];
    expect(question).toMatchObject({
      kind: "update_available",
      deadline_ms: 5000,
      fallback: UPDATE_FALLBACK,
      update: { uuid: "u1" },
    });
    controller.peer.receive({
      type: "answer",
      id: question?.id as string,
      answer: { action: "reschedule", delay_ms: 60000, reason: "busy" },
    });
    expect(await asked).toEqual({
      answer: { action: "reschedule", delay_ms: 60000, reason: "busy" },
      by: "controller",
    });
    expect(controller.last()).toEqual({ type: "accepted", id: question?.id });
  });

  it("falls back at the deadline and tells the controller; a late answer is refused", async () => {
    const { room, clock, connect } = setup();
    const controller = await connect("controller");
    const asked = room.ask("reboot", {}, { timeoutMs: 1000, fallback: { action: "now" } });
    const id = controller.ofType("question")[0]?.id as string;
    clock.advance(999);
    controller.peer.receive({ type: "answer", id, answer: { action: "sideways" } });
    expect(controller.last()).toMatchObject({ type: "error", code: "bad_answer", id });
    clock.advance(1);
    expect(await asked).toEqual({ answer: { action: "now" }, by: "fallback", why: "deadline" });
    expect(controller.ofType("expired")).toEqual([{ type: "expired", id, applied: { action: "now" } }]);
    controller.peer.receive({ type: "answer", id, answer: { action: "defer" } });
    expect(controller.last()).toMatchObject({ type: "error", code: "unknown_question", id });
  });

  it("uses the fallback at once without a controller, or when the controller leaves mid-question", async () => {
    const { room, connect } = setup();
    expect(await room.ask("reboot", {}, { timeoutMs: 1000, fallback: { action: "defer" } })).toEqual({
      answer: { action: "defer" },
      by: "fallback",
      why: "no controller",
    });
    const controller = await connect("controller");
    const asked = room.ask("update_available", {}, { timeoutMs: 1000, fallback: { action: "ignore" } });
    controller.peer.left();
    expect(await asked).toMatchObject({ by: "fallback", why: "controller left" });
  });

  it("only the controller answers", async () => {
    const { room, connect } = setup();
    const controller = await connect("controller");
    const observer = await connect("observer");
    void room.ask("reboot", {}, { timeoutMs: 1000, fallback: { action: "now" } });
    const id = controller.ofType("question")[0]?.id as string;
    observer.peer.receive({ type: "answer", id, answer: { action: "now" } });
    expect(observer.last()).toMatchObject({ type: "error", code: "not_controller" });
    expect(observer.ofType("question")).toEqual([]);
  });

  it("events reach every session that said hello, controller included", async () => {
    const { room, connect } = setup();
    const controller = await connect("controller");
    const observers = [await connect("observer"), await connect("observer")];
    const silent = await connect();
    room.broadcast("progress", { stage: "downloading", percent: 40 });
    for (const s of [controller, ...observers]) {
      expect(s.last()).toMatchObject({
        type: "event",
        event: "progress",
        percent: 40,
        at: "2026-01-01T00:00:00.000Z",
      });
    }
    expect(silent.sent).toEqual([]);
  });

  it("answers requests without a hello, with a reply naming failures", async () => {
    const { connect, marked } = setup();
    const s = await connect();
    s.peer.receive({ type: "request", id: 1, command: "status" });
    s.peer.receive({ type: "request", id: "m", command: "mark_valid" });
    s.peer.receive({ type: "request", id: 3, command: "reboot" });
    await flush();
    expect(s.sent).toEqual([
      { type: "reply", id: 1, ok: true, result: { connection: "joined" } },
      { type: "reply", id: "m", ok: true, result: { validated: true } },
      { type: "reply", id: 3, ok: false, error: { code: "failed", message: "reboot_command failed" } },
    ]);
    expect(marked).toEqual(["mark_valid"]);
  });

  it("closeAll settles open questions with their fallbacks", async () => {
    const { room, connect } = setup();
    const controller = await connect("controller");
    const asked = room.ask("reboot", {}, { timeoutMs: 1000, fallback: { action: "defer", delay_ms: 5 } });
    room.closeAll();
    expect(controller.closed).toBe(true);
    expect(await asked).toMatchObject({ answer: { action: "defer", delay_ms: 5 }, by: "fallback" });
  });
});
