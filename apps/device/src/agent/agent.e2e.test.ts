// The agent composed in process against a real hub over TLS: both auth modes, an update through the
// sandbox target, and the control socket deciding (or not) over a real Unix socket.
import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { HubEvent } from "@nerves-hub-ts/hub";
import { firmwareBytes } from "@nerves-hub-ts/hub/testing";
import { MemoryLogger } from "@nerves-hub-ts/link/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config/load-config.js";
import { ControlClient } from "../control/control-client.js";
import type { AgentMessage } from "../control/protocol.js";
import {
  type HubFixture,
  PRODUCT_SECRET,
  RUNNING_FIRMWARE,
  SIGNING_KEY,
  startHubFixture,
  waitForStatus,
} from "../test-support/hub-fixture.js";
import { type Agent, type AgentStatus, createAgent } from "./agent.js";

let fx: HubFixture;
const running: Agent[] = [];
const clients: ControlClient[] = [];

beforeAll(async () => {
  fx = await startHubFixture();
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(running.splice(0).map((a) => a.stop()));
});
afterAll(() => fx.close());

async function startAgent(name: string, settings: Record<string, unknown>) {
  const files = await fx.agentConfig(name, settings);
  const { config } = await loadConfig({ configPath: files.configFile, env: {} });
  const logger = new MemoryLogger();
  const agent = await createAgent(config, { logger, env: {} });
  running.push(agent);
  await agent.start();
  return { agent, files, logger };
}

const joined = (identifier: string) =>
  fx.hub.waitFor((e) => e.type === "joined" && e.identifier === identifier && e.topic === "device", 10_000);

/** The hub records the join before its reply reaches the device; this waits for the device's side. */
const deviceJoined = (agent: Agent) =>
  expect.poll(async () => (await agent.status()).connection.status).toBe("joined");

const statusUpdate = (identifier: string, status: string) =>
  waitForStatus(fx.hub, identifier, status, 15_000);

async function control(socket: string, hello?: "controller" | "observer"): Promise<ControlClient> {
  const client = await ControlClient.connect(socket);
  clients.push(client);
  if (hello) {
    client.send({ type: "hello", role: hello });
    await client.waitFor((m) => m.type === "welcome" || m.type === "error");
  }
  return client;
}

async function request(client: ControlClient, command: string): Promise<unknown> {
  client.send({ type: "request", id: command, command });
  const reply = await client.waitFor((m) => m.type === "reply" && m.id === command);
  return reply?.type === "reply" && reply.ok ? reply.result : reply;
}

/** Collects `event` messages into a list as they arrive. */
function recordEvents(client: ControlClient): AgentMessage[] {
  const events: AgentMessage[] = [];
  void (async () => {
    for (let m = await client.next(); m; m = await client.next()) if (m.type === "event") events.push(m);
  })();
  return events;
}

describe("device agent against the hub over TLS", () => {
  it("shared-secret auth: joins with the firmware metadata; status over the control socket; no secret in logs", async () => {
    const id = "ss-device-1";
    const seen = joined(id);
    const { agent, files, logger } = await startAgent("ss", fx.sharedSecret(id));
    const event = (await seen) as Extract<HubEvent, { type: "joined" }>;
    await deviceJoined(agent);
    expect(event.params).toMatchObject({
      nerves_fw_uuid: RUNNING_FIRMWARE.nerves_fw_uuid,
      device_api_version: "2.3.0",
    });
    expect(fx.hub.device(id)).toBeDefined();

    const status = (await request(await control(files.socket), "status")) as AgentStatus;
    expect(status.identifier).toBe(id);
    expect(status.auth).toBe("shared_secret");
    expect(status.connection.status).toBe("joined");
    expect(status.firmware).toMatchObject({
      uuid: RUNNING_FIRMWARE.nerves_fw_uuid,
      target: "sandbox",
      validated: true,
    });
    expect(logger.text()).not.toContain(PRODUCT_SECRET);
  });

  it("certificate auth: the hub knows the device by its certificate CN", async () => {
    const id = "cert-device-1";
    const seen = joined(id);
    const { agent } = await startAgent("cert", await fx.certificate(id));
    await seen;
    expect(agent.identifier).toBe(id);
    expect((await agent.status()).auth).toBe("certificate");
  });

  it("an update through the sandbox: verified file written, observers see every step, reboot only logged", async () => {
    const id = "sandbox-device";
    const seen = joined(id);
    const { files, logger } = await startAgent("sandbox", fx.sharedSecret(id));
    await seen;
    const observer = await control(files.socket, "observer");
    const events = recordEvents(observer);
    const bytes = firmwareBytes(300_000);
    const fw = await fx.hub.addFirmware(bytes, { version: "2.0.0", product: "widget" });
    const completed = statusUpdate(id, "completed");
    expect(fx.hub.deploy(fw.uuid, { to: id }).sentTo).toEqual([id]);
    await completed;

    expect(Buffer.from(await readFile(files.sandboxFile)).equals(Buffer.from(bytes))).toBe(true);
    await expect.poll(() => events.map((e) => e.type === "event" && e.event)).toContain("rebooting");
    const names = events.map((e) => (e.type === "event" ? e.event : ""));
    expect(names).toEqual(
      expect.arrayContaining([
        "update_received",
        "update_decision",
        "progress",
        "installed",
        "reboot_pending",
      ]),
    );
    expect(names.indexOf("installed")).toBeLessThan(names.indexOf("reboot_pending"));
    expect(events.find((e) => e.type === "event" && e.event === "installed")).toMatchObject({
      uuid: fw.uuid,
    });
    expect(logger.find("reboot_command is not set")).toHaveLength(1);
  });

  it("the controller decides: reschedule reaches the hub in ms; a second controller is refused", async () => {
    const id = "asking-device";
    const seen = joined(id);
    const { files } = await startAgent("ask", { ...fx.sharedSecret(id), update_policy: "ask" });
    await seen;
    const controller = await control(files.socket, "controller");
    const second = await ControlClient.connect(files.socket);
    clients.push(second);
    second.send({ type: "hello", role: "controller" });
    expect(await second.next()).toMatchObject({ type: "error", code: "controller_taken" });
    expect(await second.next()).toBeUndefined();

    const fw = await fx.hub.addFirmware(firmwareBytes(10_000, 2), { version: "2.1.0" });
    const rescheduled = statusUpdate(id, "rescheduled");
    fx.hub.deploy(fw.uuid, { to: id });
    const question = await controller.waitFor((m) => m.type === "question");
    expect(question).toMatchObject({
      kind: "update_available",
      update: { uuid: fw.uuid, version: "2.1.0", size: 10_000 },
      fallback: { action: "apply" },
      deadline_ms: 30_000,
    });
    controller.send({
      type: "answer",
      id: (question as { id: string }).id,
      action: "reschedule",
      delay_ms: 900_000,
    });
    expect(await controller.waitFor((m) => m.type === "accepted")).toBeDefined();
    expect((await rescheduled).payload).toMatchObject({ status: "rescheduled", delay_for: 900_000 });
  });

  it("nobody answers in time: the configured fallback goes to the hub", async () => {
    const id = "silent-controller-device";
    const seen = joined(id);
    const { files } = await startAgent("silent", {
      ...fx.sharedSecret(id),
      update_policy: "ask",
      update_decision_timeout_ms: 300,
      update_fallback: "ignore",
    });
    await seen;
    const controller = await control(files.socket, "controller");
    const fw = await fx.hub.addFirmware(firmwareBytes(10_000, 3), { version: "2.2.0" });
    const ignored = statusUpdate(id, "ignored");
    fx.hub.deploy(fw.uuid, { to: id });
    const question = (await controller.waitFor((m) => m.type === "question")) as { id: string };
    expect(await controller.waitFor((m) => m.type === "expired")).toEqual({
      type: "expired",
      id: question.id,
      applied: { action: "ignore", reason: "no answer from the device application" },
    });
    expect((await ignored).payload).toMatchObject({ reason: "no answer from the device application" });
  });

  it("ctl mark-valid: the hub hears firmware_validated at once, not at the link's 10 s poll", async () => {
    const id = "unvalidated-device";
    const metadataFile = join(fx.dir, "unvalidated-firmware.json");
    await writeFile(metadataFile, JSON.stringify({ ...RUNNING_FIRMWARE, nerves_fw_validated: "0" }));
    const seen = joined(id);
    const { agent, files } = await startAgent("unvalidated", {
      ...fx.sharedSecret(id),
      firmware_metadata_file: metadataFile,
    });
    const event = (await seen) as Extract<HubEvent, { type: "joined" }>;
    expect(event.params).toMatchObject({ meta: { firmware_validated: false } });
    await deviceJoined(agent);
    const reported = fx.hub.waitFor((e) => e.type === "firmware_validated" && e.identifier === id, 2_000);
    expect(await request(await control(files.socket), "mark_valid")).toEqual({ validated: true });
    await reported;
  });

  it("observers see the connection drop and come back", async () => {
    const id = "observed-device";
    const seen = joined(id);
    const { agent, files } = await startAgent("observed", fx.sharedSecret(id));
    await seen;
    await deviceJoined(agent);
    const observer = await control(files.socket, "observer");
    const rejoined = joined(id);
    fx.hub.kick(id);
    await rejoined;
    const statuses: string[] = [];
    for (let m = await observer.next(); m; m = await observer.next()) {
      if (m.type === "event" && m.event === "connection") statuses.push(m.status as string);
      if (statuses.at(-1) === "joined") break;
    }
    expect(statuses[0]).toBe("backing-off");
    expect(statuses).toContain("joined");
  });

  it("the hub's reboot runs reboot_command; identify reaches the device application", async () => {
    const id = "rebooting-device";
    const seen = joined(id);
    const marker = join(fx.dir, "rebooted-by-hub");
    const { agent, files } = await startAgent("reboot", {
      ...fx.sharedSecret(id),
      reboot_command: `touch ${marker}`,
    });
    await seen;
    await deviceJoined(agent);
    const observer = await control(files.socket, "observer");
    const events = recordEvents(observer);
    const rebooting = fx.hub.waitFor((e) => e.type === "rebooting" && e.identifier === id, 5_000);
    fx.hub.identify(id);
    fx.hub.reboot(id);
    await rebooting;
    await expect
      .poll(() =>
        stat(marker).then(
          () => true,
          () => false,
        ),
      )
      .toBe(true);
    await expect
      .poll(() => events.map((e) => (e.type === "event" ? e.event : "")))
      .toEqual(expect.arrayContaining(["identify", "reboot_pending", "rebooting"]));
  });

  it("the fwup target: the image streams into fwup with the hub's signing key, then reboot_command runs", async () => {
    const id = "fwup-device";
    const bytes = firmwareBytes(250_000, 9);
    const out = join(fx.dir, "fwup-written.img");
    const argsFile = join(fx.dir, "fwup-args.json");
    const marker = join(fx.dir, "rebooted-after-fwup");
    const seen = joined(id);
    const { agent } = await startAgent("fwup", {
      ...fx.sharedSecret(id),
      firmware_target: "fwup",
      fwup_command: await fakeFwupCommand(),
      fwup_devpath: join(fx.dir, "disk.img"),
      fwup_env: {
        FAKE_FWUP_OUTPUT: out,
        FAKE_FWUP_ARGS_FILE: argsFile,
        FAKE_FWUP_SIZE: String(bytes.length),
      },
      reboot_command: `touch ${marker}`,
    });
    await seen;
    await deviceJoined(agent);
    const fw = await fx.hub.addFirmware(bytes, { version: "4.0.0" });
    const completed = statusUpdate(id, "completed");
    fx.hub.deploy(fw.uuid, { to: id });
    await completed;
    expect(Buffer.from(await readFile(out)).equals(Buffer.from(bytes))).toBe(true);
    const { argv } = JSON.parse(await readFile(argsFile, "utf8")) as { argv: string[] };
    expect(argv).toEqual(
      expect.arrayContaining([
        "-d",
        join(fx.dir, "disk.img"),
        "--task",
        "upgrade",
        "--public-key",
        SIGNING_KEY,
      ]),
    );
    await expect
      .poll(() =>
        stat(marker).then(
          () => true,
          () => false,
        ),
      )
      .toBe(true);
  });
});

/**
 * A `fwup` on this machine: firmware-fwup's stand-in (it speaks fwup's framing and writes what it
 * receives), behind a wrapper that also answers `--version` as the agent checks it at start.
 */
async function fakeFwupCommand(): Promise<string> {
  const fake = fileURLToPath(
    new URL("../../../../packages/firmware-fwup/src/test-support/fake-fwup.mjs", import.meta.url),
  );
  const wrapper = join(fx.dir, "fake-fwup.sh");
  await writeFile(
    wrapper,
    `#!/bin/sh\nif [ "$1" = "--version" ]; then echo 1.16.0; exit 0; fi\nexec "${process.execPath}" "${fake}" "$@"\n`,
    { mode: 0o755 },
  );
  return wrapper;
}
