import type { Client, UpdateEvent, UpdateOffer } from "@nerves-hub-ts/ports";
import { AlarmId } from "@nerves-hub-ts/ports";
import { deviceTopic, type Outgoing } from "@nerves-hub-ts/protocol";
import { Failure } from "@nerves-hub-ts/update";
import { describe, expect, it, vi } from "vitest";
import { ManualClock } from "../doubles/manual-clock.js";
import { MemoryLogger } from "../doubles/memory-logger.js";
import { MemoryAlarms } from "../memory-alarms.js";
import { flush, ScriptedStrategy } from "./test-support/scripted-strategy.js";
import { UpdateController, type UpdateControllerOptions } from "./update-controller.js";

const KEY = btoa("k".repeat(32));
const offer = (uuid = "fw-2"): UpdateOffer => ({
  update_available: true,
  firmware_url: `http://hub.test/firmware/${uuid}.fw?sig=secret`,
  firmware_meta: { uuid, version: "2.0.0" },
  size: 100,
});

function setup(options: Partial<UpdateControllerOptions> = {}) {
  const sent: Outgoing[] = [];
  const clock = new ManualClock();
  const alarms = new MemoryAlarms();
  const strategy = new ScriptedStrategy();
  const reboot = vi.fn();
  const events: UpdateEvent[] = [];
  const controller = new UpdateController({
    strategy,
    push: (m) => {
      sent.push(m);
      return true;
    },
    clock,
    alarms,
    publicKeys: [KEY],
    runningFirmwareUuid: "fw-1",
    reboot,
    ...options,
  });
  controller.subscribe((e) => events.push(e));
  const statuses = () =>
    sent.map((m) => (m.event === "status_update" ? (m.payload as { status: string }).status : `${m.event}`));
  return { controller, sent, clock, alarms, strategy, reboot, events, statuses };
}

describe("UpdateController", () => {
  it("applies an offer end to end: received, started, progress, updating 100, completed, reboot", async () => {
    const t = setup();
    t.controller.handleUpdate(offer());
    expect(t.sent).toEqual([deviceTopic.received()]);
    await flush();
    expect(t.controller.status()).toBe("updating");
    expect(t.controller.currentlyDownloadingUuid()).toBe("fw-2");
    expect(t.alarms.isSet(AlarmId.updateInProgress)).toBe(true);
    expect(t.strategy.job.publicKeys).toEqual([KEY]);
    expect(t.strategy.job.offer).toEqual(offer());

    t.strategy.job.onConnection({
      url: "http://hub.test/firmware/fw-2.fw",
      offset: 0,
      attempt: 0,
      networkInterface: "lo",
    });
    t.strategy.job.onProgress("updating", 10);
    t.strategy.job.onProgress("updating", 20); // same instant: throttled
    t.clock.advance(500);
    t.strategy.job.onProgress("updating", 30);
    t.strategy.finish({ ok: true });
    await flush();

    expect(t.sent).toEqual([
      deviceTopic.received(),
      deviceTopic.started("lo"),
      deviceTopic.fwupProgress("updating", 10),
      deviceTopic.fwupProgress("updating", 30),
      deviceTopic.fwupProgress("updating", 100),
      deviceTopic.completed(),
    ]);
    expect(t.sent.some((m) => m.event === "rebooting")).toBe(false);
    expect(t.alarms.isSet(AlarmId.updateInProgress)).toBe(false);
    expect(t.reboot).toHaveBeenCalledTimes(1);
    expect(t.controller.status()).toBe("idle");
    expect(t.controller.currentlyDownloadingUuid()).toBeNull();
    expect(t.events.map((e) => e.type)).toEqual([
      "received",
      "decision",
      "progress",
      "progress",
      "installed",
      "reboot-pending",
    ]);
  });

  it("uses client.reboot when no reboot callback is given", async () => {
    const reboot = vi.fn();
    const t = setup({ reboot: undefined, client: { reboot } });
    t.controller.handleUpdate(offer());
    await flush();
    t.strategy.finish({ ok: true });
    await flush();
    expect(reboot).toHaveBeenCalledTimes(1);
  });

  it("default decision: ignores the firmware already running", async () => {
    const t = setup({ runningFirmwareUuid: "fw-2" });
    t.controller.handleUpdate(offer("fw-2"));
    await flush();
    expect(t.sent).toEqual([deviceTopic.received(), deviceTopic.ignored("")]);
    expect(t.strategy.jobs).toHaveLength(0);
  });

  it("asks the client's hook with the offer", async () => {
    const updateAvailable = vi.fn(() => ({ action: "ignore" as const, reason: "battery low" }));
    const t = setup({ client: { updateAvailable } });
    t.controller.handleUpdate(offer());
    await flush();
    expect(updateAvailable).toHaveBeenCalledWith(offer());
    expect(t.sent.at(-1)).toEqual(deviceTopic.ignored("battery low"));
    expect(t.alarms.isSet(AlarmId.updateInProgress)).toBe(false);
  });

  it.each<[string, Client["updateAvailable"]]>([
    [
      "throws",
      () => {
        throw new Error("hook exploded");
      },
    ],
    ["rejects", () => Promise.reject(new Error("hook exploded"))],
    ["returns nonsense", () => ({ action: "yes" }) as never],
  ])(
    "a hook that %s never applies the update and reports rescheduled with rescheduleMs",
    async (_, updateAvailable) => {
      const t = setup({ client: { updateAvailable }, rescheduleMs: 600_000 });
      t.controller.handleUpdate(offer());
      await flush();
      expect(t.strategy.jobs).toHaveLength(0);
      const last = t.sent.at(-1)?.payload as { status: string; delay_for: number; reason: string };
      expect(last.status).toBe("rescheduled");
      expect(last.delay_for).toBe(600_000);
      expect(last.reason).toMatch(
        /^Update rescheduled : (decision failed \(hook exploded\)|invalid decision)/,
      );
      expect(t.controller.status()).toBe("idle");
      expect(t.clock.pending()).toEqual([]);
    },
  );

  it("refuses a rescheduleMs that is not a positive whole number of milliseconds", () => {
    for (const rescheduleMs of [0, -1, 1.5, Number.NaN])
      expect(() => setup({ rescheduleMs })).toThrow(/rescheduleMs must be a positive whole number/);
  });

  it("a hook that never answers is rescheduled at its deadline, and its late answer is ignored", async () => {
    let answer!: (d: { action: "apply" }) => void;
    const t = setup({
      decisionTimeoutMs: 1000,
      client: { updateAvailable: () => new Promise((r) => (answer = r)) },
    });
    t.controller.handleUpdate(offer());
    await flush();
    t.clock.advance(999);
    expect(t.statuses()).toEqual(["received"]);
    t.clock.advance(1);
    expect(t.sent.at(-1)).toEqual(
      deviceTopic.rescheduled(300_000, "Update rescheduled : decision failed (no answer within 1000 ms)"),
    );
    answer({ action: "apply" });
    await flush();
    expect(t.strategy.jobs).toHaveLength(0);
  });

  it("reschedule: reports delay_for in ms and asks nothing until the hub offers again", async () => {
    const decisions = [
      { action: "reschedule" as const, delayMs: 900_000, reason: "busy" },
      { action: "apply" as const },
    ];
    const updateAvailable = vi.fn(() => decisions.shift() ?? { action: "ignore" as const });
    const t = setup({ client: { updateAvailable } });
    t.controller.handleUpdate(offer());
    await flush();
    expect(t.sent.at(-1)?.payload).toEqual({ status: "rescheduled", delay_for: 900_000, reason: "busy" });
    expect(t.controller.status()).toBe("idle");
    expect(t.clock.pending()).toEqual([]);
    t.clock.advance(900_000);
    await flush();
    expect(updateAvailable).toHaveBeenCalledTimes(1);
    expect(t.statuses()).toEqual(["received", "rescheduled"]);
    // The hub offers again after the delay: decided afresh.
    t.controller.handleUpdate(offer());
    await flush();
    expect(updateAvailable).toHaveBeenCalledTimes(2);
    expect(t.statuses()).toEqual(["received", "rescheduled", "received"]);
    expect(t.controller.status()).toBe("updating");
  });

  it("refuses without signing keys: failed, client never asked, no alarm", async () => {
    const updateAvailable = vi.fn(() => ({ action: "apply" as const }));
    const t = setup({ publicKeys: [], client: { updateAvailable } });
    expect(t.controller.needsPublicKeys()).toBe(true);
    t.controller.handleUpdate(offer());
    await flush();
    expect(t.sent).toEqual([deviceTopic.failed("Refusing unverified firmware : no public keys available")]);
    expect(updateAvailable).not.toHaveBeenCalled();
    expect(t.alarms.active.size).toBe(0);

    t.controller.setPublicKeys([KEY]);
    expect(t.controller.needsPublicKeys()).toBe(false);
    t.controller.setPublicKeys([]);
    expect(t.controller.needsPublicKeys()).toBe(false);
  });

  it("a key list without a usable key keeps the current keys, with a warning that names no key", async () => {
    const logger = new MemoryLogger();
    const { controller, statuses } = setup({ logger });
    controller.setPublicKeys(["not a key", "AAAA"]);
    expect(controller.needsPublicKeys()).toBe(false);
    controller.handleUpdate(offer());
    await flush();
    expect(statuses()).toEqual(["received"]);
    const warning = logger.find("no base64 Ed25519 key");
    expect(warning).toHaveLength(1);
    expect(JSON.stringify(warning)).not.toContain("not a key");
  });

  it("a strategy failure is reported with the upstream reason; no reboot", async () => {
    const t = setup();
    t.controller.handleUpdate(offer());
    await flush();
    t.strategy.finish({ ok: false, failure: Failure.download(["http_error", 404]) });
    await flush();
    expect(t.sent.at(-1)).toEqual(deviceTopic.failed("Download failed : {:http_error, 404}"));
    expect(t.reboot).not.toHaveBeenCalled();
    expect(t.alarms.isSet(AlarmId.updateInProgress)).toBe(false);
  });

  it("a strategy that throws is an unexpected error", async () => {
    const t = setup();
    t.controller.handleUpdate(offer());
    await flush();
    t.strategy.crash(new Error("disk on fire"));
    await flush();
    expect(t.sent.at(-1)).toEqual(deviceTopic.failed("Unexpected error : disk on fire"));
  });

  it("drops offers while an update runs", async () => {
    const t = setup();
    t.controller.handleUpdate(offer());
    await flush();
    t.controller.handleUpdate(offer("fw-9"));
    t.controller.handleUpdate({ update_available: false });
    await flush();
    expect(t.strategy.jobs).toHaveLength(1);
    expect(t.statuses()).toEqual(["received"]);
  });

  it("stop aborts the running strategy, clears the alarm and reports nothing more", async () => {
    const t = setup();
    t.controller.handleUpdate(offer());
    await flush();
    await t.controller.stop();
    expect(t.strategy.job.signal.aborted).toBe(true);
    expect(t.alarms.isSet(AlarmId.updateInProgress)).toBe(false);
    expect(t.statuses()).toEqual(["received"]);
    expect(t.controller.status()).toBe("idle");
  });

  it("passes fwup messages to the client and survives a throwing listener", async () => {
    const handleFwupMessage = vi.fn(() => {
      throw new Error("ui crashed");
    });
    const t = setup({ client: { handleFwupMessage } });
    t.controller.subscribe(() => {
      throw new Error("listener crashed");
    });
    t.controller.handleUpdate(offer());
    await flush();
    t.strategy.job.onFwupMessage({ type: "warning", code: 0, text: "hello" });
    expect(handleFwupMessage).toHaveBeenCalledWith({ type: "warning", code: 0, text: "hello" });
    t.strategy.finish({ ok: true });
    await flush();
    expect(t.statuses().at(-1)).toBe("completed");
  });

  it("unsubscribe stops events", async () => {
    const t = setup();
    const seen: UpdateEvent[] = [];
    const off = t.controller.subscribe((e) => seen.push(e));
    off();
    t.controller.handleUpdate(offer());
    await flush();
    expect(seen).toEqual([]);
  });
});
