// hub-server.md §3.2-3.3: a join counts as a completed update only with complete firmware metadata
// (uuid, product, version, platform, architecture), or a uuid the hub knows the firmware of.
import { expect, it } from "vitest";
import { FIRMWARE_PARAMS } from "../test-support/fixtures.js";
import type { RawDevice } from "../test-support/phoenix-device.js";
import { rawDevice, rawJoin } from "../test-support/raw-device.js";
import { useTestHub } from "../test-support/test-hub.js";

const env = useTestHub();
const NEW_UUID = "22222222-2222-2222-2222-222222222222";

async function rejoin(d: RawDevice, ref: string, params: object): Promise<void> {
  d.sendJson([ref, ref, "device", "phx_join", params]);
  await d.nextJson((f) => f[1] === ref && f[3] === "phx_reply");
}

it.each(["nerves_fw_product", "nerves_fw_version", "nerves_fw_platform", "nerves_fw_architecture"])(
  "a new uuid reported without %s is not a completed update and leaves the record as it was",
  async (missing) => {
    const identifier = `meta-${missing}`;
    const d = await rawDevice(env.hub, identifier);
    env.afterThisTest(() => d.ws.terminate());
    await rawJoin(d, "device", FIRMWARE_PARAMS);
    await rejoin(d, "2", { ...FIRMWARE_PARAMS, nerves_fw_uuid: NEW_UUID, [missing]: "  " });
    await rejoin(d, "3", { ...FIRMWARE_PARAMS, nerves_fw_uuid: NEW_UUID, [missing]: undefined });
    expect(env.hub.device(identifier)).toMatchObject({
      completedUpdateCount: 0,
      firmware: { uuid: FIRMWARE_PARAMS.nerves_fw_uuid, version: "1.0.0" },
    });
  },
);

it("an incomplete report of a uuid the hub knows takes that firmware's metadata", async () => {
  const fw = await env.hub.addFirmware(new Uint8Array([9]), {
    product: "widget",
    version: "2.0.0",
    platform: "rpi4",
    architecture: "arm",
  });
  const d = await rawDevice(env.hub, "meta-known");
  env.afterThisTest(() => d.ws.terminate());
  await rawJoin(d, "device", FIRMWARE_PARAMS);
  await rejoin(d, "2", { nerves_fw_uuid: fw.uuid });
  expect(env.hub.device("meta-known")).toMatchObject({
    completedUpdateCount: 1,
    firmware: { uuid: fw.uuid, version: "2.0.0", platform: "rpi4" },
  });
});
