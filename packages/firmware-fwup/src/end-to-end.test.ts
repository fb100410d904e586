// The whole path: a hub deploys firmware, a device built from the packages (DeviceLink over the
// ws transport, shared-secret auth, UpdateController, streaming strategy, HTTP downloader, fwup
// runner) applies it and reports every step, and the hub sees the update complete.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sharedSecretIdentity } from "@nerves-hub-ts/auth-shared-secret";
import type { PemCredential } from "@nerves-hub-ts/dev-pki";
import type { DeviceReportEvent, Hub, HubEvent } from "@nerves-hub-ts/hub";
import { firmwareBytes, startTestHub } from "@nerves-hub-ts/hub/testing";
import {
  createDeviceLink,
  type DeviceLink,
  MemoryAlarms,
  StaticFirmwareMetadata,
  UpdateController,
} from "@nerves-hub-ts/link";
import { MemoryLogger } from "@nerves-hub-ts/link/testing";
import { nodeClock, nodeRandom, nodeSha256 } from "@nerves-hub-ts/platform-node";
import { wsTransport } from "@nerves-hub-ts/transport-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fwupInstaller } from "./fwup-installer.js";
import { HttpDownloader } from "./http-downloader.js";
import { streamingStrategy } from "./strategies/streaming.js";
import { fakeFwup } from "./test-support/fwup-bin.js";

const PRODUCT_KEY = "nhp_e2e-update-key";
const PRODUCT_SECRET = "e2e-update-secret-0123456789abcdefghijklmnop";
const SIGNING_KEY = btoa("s".repeat(32));
const RUNNING = {
  nerves_fw_uuid: "11111111-1111-1111-1111-111111111111",
  nerves_fw_product: "widget",
  nerves_fw_version: "1.0.0",
  nerves_fw_platform: "rpi4",
  nerves_fw_architecture: "arm",
};

let ca: PemCredential;
let hub: Hub;
let dir: string;
const events: HubEvent[] = [];

beforeAll(async () => {
  const testHub = await startTestHub({
    tls: true,
    productKey: { key: PRODUCT_KEY, secret: PRODUCT_SECRET },
    signingKeys: [SIGNING_KEY],
  });
  ({ hub, ca } = testHub);
  hub.on("event", (e) => events.push(e));
  dir = await mkdtemp(join(tmpdir(), "e2e-update-"));
});
afterAll(async () => {
  await hub?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("an update pushed by the hub", () => {
  it("is downloaded, verified, installed, reported and followed by a reboot", async () => {
    const identifier = "e2e-device-1";
    const fw = firmwareBytes(3 * 1024 * 1024 + 77, 5);
    const record = await hub.addFirmware(fw, {
      version: "2.0.0",
      product: "widget",
      platform: "rpi4",
      architecture: "arm",
    });
    const output = join(dir, "slot-b.img");
    const logger = new MemoryLogger();
    const alarms = new MemoryAlarms();
    let rebooted!: () => void;
    const reboot = new Promise<void>((r) => (rebooted = r));

    const link: DeviceLink = createDeviceLink(
      { host: `127.0.0.1:${hub.port}`, ssl: { ca: [ca.certPem] }, connectWaitForNetwork: false },
      {
        transport: wsTransport({ logger }),
        identity: sharedSecretIdentity({
          productKey: PRODUCT_KEY,
          productSecret: PRODUCT_SECRET,
          identifier,
          clock: nodeClock,
        }),
        firmware: new StaticFirmwareMetadata(RUNNING, "1.16.0"),
        clock: nodeClock,
        random: nodeRandom,
        logger,
        alarms,
        updates: (push) =>
          new UpdateController({
            push,
            clock: nodeClock,
            alarms,
            logger,
            runningFirmwareUuid: RUNNING.nerves_fw_uuid,
            reboot: () => rebooted(),
            strategy: streamingStrategy({
              downloader: new HttpDownloader({ tls: { ca: ca.certPem }, proxy: null, logger }),
              installer: fwupInstaller({
                devpath: join(dir, "disk.img"),
                ...fakeFwup({
                  FAKE_FWUP_SIZE: String(fw.length),
                  FAKE_FWUP_KEY: SIGNING_KEY,
                  FAKE_FWUP_OUTPUT: output,
                }),
              }),
              hash: nodeSha256,
            }),
          }),
      },
    );
    try {
      link.start();
      // No keys are configured, so the join asks for them and the hub pushes its signing key.
      await hub.waitFor(
        (e) => e.type === "pushed" && e.identifier === identifier && e.event === "fwup_public_keys",
      );
      await expect.poll(() => link.updates?.needsPublicKeys(), { timeout: 5000 }).toBe(false);

      const deployed = hub.deploy(record.uuid, { to: identifier });
      expect(deployed.sentTo).toEqual([identifier]);
      await reboot;
      await hub.waitFor(
        (e) =>
          e.type === "status_update" &&
          e.identifier === identifier &&
          (e.payload as { status?: string }).status === "completed",
      );

      const reports = events.filter(
        (e): e is DeviceReportEvent =>
          (e.type === "status_update" || e.type === "progress") && e.identifier === identifier,
      );
      const statuses = reports.flatMap((e) =>
        e.type === "status_update" ? [(e.payload as { status: string }).status] : [],
      );
      expect(statuses).toEqual(["received", "started", "completed"]);
      const progress = reports.flatMap((e) =>
        e.type === "progress" ? [e.payload as { stage: string; value: number }] : [],
      );
      expect(progress.at(-1)).toEqual({ stage: "updating", value: 100 });
      expect(events.filter((e) => e.type === "violation" || e.type === "channel_crash")).toEqual([]);
      expect(Buffer.compare(await readFile(output), fw)).toBe(0);
      expect(alarms.active.has("NervesHubLink.UpdateInProgress")).toBe(false);
      expect(link.updates?.status()).toBe("idle");
      // The signed URL's query never reaches a log line.
      const query = new URL(hub.firmwareUrl(record.uuid, { identifier })).searchParams;
      for (const value of query.values()) if (value.length > 8) expect(logger.text()).not.toContain(value);
    } finally {
      await link.stop();
    }
  });
});
