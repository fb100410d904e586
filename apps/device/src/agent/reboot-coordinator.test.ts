import { ManualClock, MemoryLogger } from "@nerves-hub-ts/link/testing";
import { MAX_TIMER_DELAY_MS } from "@nerves-hub-ts/ports";
import { describe, expect, it } from "vitest";
import type { RebootPolicy } from "../config/agent-config.js";
import { ControlRoom } from "../control/control-room.js";
import { flush, joinRoom } from "../test-support/fake-session.js";
import { RebootCoordinator, type RebootReason } from "./reboot-coordinator.js";

const ASK: RebootPolicy = { mode: "ask", decisionTimeoutMs: 1_000, fallback: "now", deferMs: 60_000 };

function setup(policy: RebootPolicy, execute?: () => Promise<void>) {
  const clock = new ManualClock();
  const logger = new MemoryLogger();
  const room = new ControlRoom({ clock, logger, status: async () => ({}), commands: {} as never });
  const reboots: RebootReason[] = [];
  const coordinator = new RebootCoordinator({
    policy,
    room,
    clock,
    logger,
    execute: async (reason) => {
      reboots.push(reason);
      await execute?.();
    },
  });
  return { clock, room, coordinator, reboots, logger };
}

describe("RebootCoordinator", () => {
  it("reboot policy: reboots at once and tells observers", async () => {
    const { room, coordinator, reboots } = setup({ ...ASK, mode: "reboot" });
    const observer = await joinRoom(room, "observer");
    coordinator.request("hub");
    await flush();
    expect(reboots).toEqual(["hub"]);
    expect(observer.events()).toEqual(["reboot_pending", "rebooting"]);
  });

  it("ask: a deferral longer than a timer holds waits the longest delay instead of asking again at once", async () => {
    const { clock, room, coordinator } = setup(ASK);
    const controller = await joinRoom(room, "controller");
    coordinator.request("update");
    await flush();
    const first = controller.ofType("question")[0];
    controller.receive({
      type: "answer",
      id: first?.id as string,
      answer: { action: "defer", delay_ms: 3_000_000_000 },
    });
    await flush();
    clock.advance(1);
    await flush();
    expect(controller.ofType("question")).toHaveLength(1);
    expect(clock.pending()).toEqual([MAX_TIMER_DELAY_MS - 1]);
  });

  it("ask: the controller defers, then says now when asked again", async () => {
    const { clock, room, coordinator, reboots } = setup(ASK);
    const controller = await joinRoom(room, "controller");
    coordinator.request("update");
    await flush();
    const first = controller.ofType("question")[0];
    expect(first).toMatchObject({ kind: "reboot", reason: "update", fallback: { action: "now" } });
    controller.receive({
      type: "answer",
      id: first?.id as string,
      answer: { action: "defer", delay_ms: 5_000 },
    });
    await flush();
    expect(coordinator.pending).toBe("update");
    expect(controller.events()).toContain("reboot_deferred");
    coordinator.request("hub"); // joins the pending one
    clock.advance(4_999);
    expect(controller.ofType("question")).toHaveLength(1);
    clock.advance(1);
    const second = controller.ofType("question")[1];
    expect(second?.id).not.toBe(first?.id);
    controller.receive({ type: "answer", id: second?.id as string, answer: { action: "now" } });
    await flush();
    expect(reboots).toEqual(["update"]);
    expect(coordinator.pending).toBeUndefined();
  });

  it("ask with a defer fallback: nobody answering defers by reboot_defer_ms", async () => {
    const { clock, room, coordinator, reboots } = setup({ ...ASK, fallback: "defer" });
    const controller = await joinRoom(room, "controller");
    coordinator.request("hub");
    await flush();
    clock.advance(1_000);
    await flush();
    expect(controller.ofType("expired")[0]?.applied).toEqual({ action: "defer", delay_ms: 60_000 });
    expect(reboots).toEqual([]);
    expect(clock.pending()).toEqual([60_000]);
    coordinator.stop();
    clock.advance(60_000);
    await flush();
    expect(reboots).toEqual([]);
  });

  it("a failing reboot command is reported and does not block the next request", async () => {
    const { room, coordinator, logger } = setup({ ...ASK, mode: "reboot" }, async () => {
      throw new Error("`reboot` exited with 1");
    });
    const observer = await joinRoom(room, "observer");
    coordinator.request("hub");
    await flush();
    expect(observer.last()).toMatchObject({ event: "reboot_failed", message: "`reboot` exited with 1" });
    expect(logger.find("reboot failed")).toHaveLength(1);
    coordinator.request("hub");
    await flush();
    expect(observer.events().filter((e) => e === "rebooting")).toHaveLength(2);
  });
});
