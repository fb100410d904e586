import { ManualClock, MemoryLogger } from "@nerves-hub-ts/link/testing";
import type { UpdateOffer } from "@nerves-hub-ts/ports";
import { describe, expect, it } from "vitest";
import type { UpdatePolicy } from "../config/agent-config.js";
import { ControlRoom } from "../control/control-room.js";
import { flush, joinRoom } from "../test-support/fake-session.js";
import { updateDecider } from "./update-decider.js";

const offer = (uuid: string): UpdateOffer =>
  ({
    firmware_url: "https://hub/firmware/x.fw?token=SECRET",
    firmware_meta: { uuid, version: "2.0.0", product: "widget" },
    size: 1234,
  }) as UpdateOffer;

const ASK: UpdatePolicy = { mode: "ask", decisionTimeoutMs: 1_000, fallback: "apply", rescheduleMs: 300_000 };

function setup(policy: UpdatePolicy) {
  const clock = new ManualClock();
  const logger = new MemoryLogger();
  const room = new ControlRoom({ clock, logger, status: async () => ({}), commands: {} as never });
  const decide = updateDecider(policy, room, () => "running-uuid", logger);
  return { clock, room, decide, logger };
}

describe("updateDecider", () => {
  it("apply: installs other firmware and skips the running one, without asking", async () => {
    const { room, decide } = setup({ ...ASK, mode: "apply" });
    const controller = await joinRoom(room, "controller");
    expect(await decide(offer("new"))).toEqual({ action: "apply" });
    expect(await decide(offer("running-uuid"))).toEqual({ action: "ignore" });
    expect(controller.ofType("question")).toEqual([]);
  });

  it("ask: the controller's reschedule becomes a delay in ms; the URL never reaches the socket", async () => {
    const { room, decide } = setup(ASK);
    const controller = await joinRoom(room, "controller");
    const decision = decide(offer("new"));
    await flush();
    const q = controller.ofType("question")[0];
    expect(q?.update).toMatchObject({ uuid: "new", version: "2.0.0", size: 1234 });
    expect(JSON.stringify(controller.sent)).not.toContain("SECRET");
    controller.receive({
      type: "answer",
      id: q?.id as string,
      answer: { action: "reschedule", reason: "busy" },
    });
    expect(await decision).toEqual({ action: "reschedule", delayMs: 300_000, reason: "busy" });
  });

  it("ask: the configured fallback when the deadline passes or nobody is connected", async () => {
    const { clock, room, decide, logger } = setup({ ...ASK, fallback: "reschedule", rescheduleMs: 900_000 });
    expect(await decide(offer("new"))).toEqual({ action: "reschedule", delayMs: 900_000 });
    await joinRoom(room, "controller");
    const late = decide(offer("new"));
    await flush();
    clock.advance(1_000);
    expect(await late).toEqual({ action: "reschedule", delayMs: 900_000 });
    expect(logger.find("using update_fallback").map((l) => l.msg)).toEqual([
      "no decision from the device application (no controller); using update_fallback",
      "no decision from the device application (deadline); using update_fallback",
    ]);
  });

  it("an ignore fallback carries a reason the hub can show", async () => {
    const { decide } = setup({ ...ASK, fallback: "ignore" });
    expect(await decide(offer("new"))).toEqual({
      action: "ignore",
      reason: "no answer from the device application",
    });
  });
});
