import { describe, expect, it } from "vitest";
import { fwupArgs } from "./fwup-args.js";

describe("fwupArgs", () => {
  it("builds nerves_hub_link's argument vector in order", () => {
    expect(
      fwupArgs({
        devpath: "/dev/mmcblk0",
        task: "upgrade",
        inputPath: "/data/fw/cache.fw",
        extraOptions: ["--unsafe"],
        publicKeys: ["K1", "K2"],
      }),
    ).toEqual([
      "--framing",
      "--exit-handshake",
      "--apply",
      "--no-unmount",
      "-d",
      "/dev/mmcblk0",
      "--task",
      "upgrade",
      "-i",
      "/data/fw/cache.fw",
      "--unsafe",
      "--public-key",
      "K1",
      "--public-key",
      "K2",
    ]);
  });

  it("defaults to task upgrade and framed stdin", () => {
    expect(fwupArgs({ devpath: "/tmp/img" })).toEqual([
      "--framing",
      "--exit-handshake",
      "--apply",
      "--no-unmount",
      "-d",
      "/tmp/img",
      "--task",
      "upgrade",
    ]);
  });

  it("refuses a missing devpath", () => {
    expect(() => fwupArgs({ devpath: "" })).toThrow(TypeError);
  });
});
