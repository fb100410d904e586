import { describe, expect, it } from "vitest";
import type { FirmwareTarget } from "../config/agent-config.js";
import { AgentConfigError } from "../config/config-error.js";
import { blockDeviceOrSkip } from "../test-support/block-device.js";
import { checkFirmwareTarget } from "./firmware-target.js";

const fwup = (devpath: string, allowBlockDevice = false): FirmwareTarget => ({
  kind: "fwup",
  command: "fwup",
  devpath,
  allowBlockDevice,
  task: "upgrade",
  env: {},
  extraOptions: [],
});

describe("checkFirmwareTarget", () => {
  it("accepts the sandbox, and fwup writing an image file (existing or not)", async () => {
    await checkFirmwareTarget({ kind: "sandbox", dir: "/nonexistent" });
    await checkFirmwareTarget(fwup("/tmp/nh-device-image-that-does-not-exist.img"));
    await checkFirmwareTarget(fwup("/dev/null"));
  });

  it("refuses a block device unless fwup_allow_block_device is set", async (ctx) => {
    const device = await blockDeviceOrSkip(ctx);
    const refused = await checkFirmwareTarget(fwup(device)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AgentConfigError);
    expect((refused as AgentConfigError).key).toBe("fwup_devpath");
    await checkFirmwareTarget(fwup(device, true));
  });
});
