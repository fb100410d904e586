// The real `nh-device` process with its data on a 5 MiB disk (a tmpfs; skipped, saying why, where
// this machine cannot mount one): a firmware bigger than the disk fails with a reason the hub can
// show, the agent keeps running, the next update installs, and one SIGTERM still stops it.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { mountSmallFs, type SmallFs, smallFsUnavailable } from "@nerves-hub-ts/firmware-fwup/testing";
import { firmwareBytes } from "@nerves-hub-ts/hub/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CliProcess } from "../test-support/cli-process.js";
import { type HubFixture, startHubFixture, waitForStatus } from "../test-support/hub-fixture.js";

const MiB = 1024 * 1024;
let fx: HubFixture;
const mounted: SmallFs[] = [];
const agents: CliProcess[] = [];

if (smallFsUnavailable) console.warn(`[device] disk-full e2e test skipped: ${smallFsUnavailable}`);

beforeAll(async () => {
  fx = await startHubFixture();
});
afterEach(async () => {
  for (const a of agents.splice(0)) {
    if (a.child.exitCode === null && a.child.signalCode === null) {
      a.kill("SIGKILL");
      await a.exited;
    }
  }
  for (const fs of mounted.splice(0)) fs.unmount();
});
afterAll(() => fx?.close());

const statusUpdate = (identifier: string, status: string) =>
  waitForStatus(fx.hub, identifier, status, 30_000);

describe.skipIf(smallFsUnavailable)("nh-device with its data on a 5 MiB disk", () => {
  it("caching a 20 MiB firmware: failed with the reason; still running; a 1 MiB update installs; one SIGTERM stops it", async () => {
    const fs = mountSmallFs(5);
    mounted.push(fs);
    const id = "small-disk-device";
    const dataPath = join(fs.dir, "data");
    const files = await fx.agentConfig("small-disk", {
      ...fx.sharedSecret(id),
      data_path: dataPath,
      updater: "caching",
    });
    const agent = new CliProcess(["run", "--config", files.configFile]);
    agents.push(agent);
    await agent.waitForLog("joined the device topic");

    const big = await fx.hub.addFirmware(firmwareBytes(20 * MiB, 21), { version: "5.0.0" });
    const failed = statusUpdate(id, "failed");
    fx.hub.deploy(big.uuid, { to: id });
    const { reason } = (await failed).payload as { reason: string };
    expect(reason).toMatch(/^Unexpected error : cannot write .*\.partial: ENOSPC: no space left on device/);
    await agent.waitForLog("firmware update failed");
    expect(agent.child.exitCode).toBe(null);

    const smallBytes = firmwareBytes(MiB, 22);
    const small = await fx.hub.addFirmware(smallBytes, { version: "5.0.1" });
    const completed = statusUpdate(id, "completed");
    // A manual push: the failed deployment update put the device in the server's penalty box.
    expect(fx.hub.deploy(small.uuid, { to: id }).blocked).toEqual([id]);
    fx.hub.deploy(small.uuid, { to: id, deploymentId: null });
    await completed;
    const installed = await readFile(join(dataPath, "sandbox", "firmware.fw"));
    expect(Buffer.compare(installed, smallBytes)).toBe(0);

    agent.kill("SIGTERM");
    expect(await agent.exited).toEqual({ code: 0, signal: null });
  }, 90_000);
});
