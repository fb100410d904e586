import { describe, expect, it } from "vitest";
import {
  CONSOLE_VERSION,
  consoleJoinParams,
  DEVICE_API_VERSION,
  deviceJoinParams,
  extensionsJoinParams,
} from "./join-params.js";
import { jsonSerializer } from "./serializer.js";
import { deviceJoinInput as input } from "./test-support/samples.js";

// The invented example of device-client.md §3.1, as printed (line breaks removed).
const sheetExample = `{"nerves_fw_uuid":"8a8b902c-d1a9-58aa-6111-04ab57c2f2a8","nerves_fw_product":"my_app",
 "nerves_fw_version":"1.4.0","nerves_fw_platform":"rpi4","nerves_fw_architecture":"arm",
 "nerves_fw_author":"ACME","nerves_fw_description":"","nerves_fw_vcs_identifier":"","nerves_fw_misc":"",
 "fwup_version":"1.13.2","device_api_version":"2.3.0","console_version":"2.0.0",
 "fwup_public_keys":"on_connect","currently_downloading_uuid":null,
 "meta":{"firmware_auto_revert_detected":false,"firmware_validated":true}}`.replace(/\n /g, "");

describe("device join params", () => {
  it("reproduce the device-client.md §3.1 example exactly, key order included", () => {
    expect(JSON.stringify(deviceJoinParams(input))).toBe(sheetExample);
  });

  it("go out in the phx_join frame", () => {
    const text = jsonSerializer().encode({
      joinRef: "1",
      ref: "1",
      topic: "device",
      event: "phx_join",
      payload: deviceJoinParams(input),
    });
    expect(text).toBe(`["1","1","device","phx_join",${sheetExample}]`);
  });

  it("ask for archive keys only when told, and omit fwup keys when they are configured", () => {
    const p = deviceJoinParams({ ...input, requestFwupPublicKeys: false, requestArchivePublicKeys: true });
    expect(p.archive_public_keys).toBe("on_connect");
    expect(p).not.toHaveProperty("fwup_public_keys");
  });

  it("carry the in-flight update uuid and the validation meta", () => {
    const p = deviceJoinParams({
      ...input,
      currentlyDownloadingUuid: "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
      firmwareValidated: false,
      firmwareAutoRevertDetected: true,
    });
    expect(p.currently_downloading_uuid).toBe("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
    expect(p.meta).toStrictEqual({ firmware_auto_revert_detected: true, firmware_validated: false });
  });

  it("leave fwup_version out when fwup is not installed, and allow another api version", () => {
    const p = deviceJoinParams({ ...input, fwupVersion: undefined, deviceApiVersion: "2.2.0" });
    expect(p).not.toHaveProperty("fwup_version");
    expect(p.device_api_version).toBe("2.2.0");
    expect(p.console_version).toBe(CONSOLE_VERSION);
  });

  it("let the computed keys win over same-named slot keys", () => {
    const p = deviceJoinParams({ ...input, firmware: { ...input.firmware, device_api_version: "9.9.9" } });
    expect(p.device_api_version).toBe(DEVICE_API_VERSION);
  });
});

describe("console and extensions join params", () => {
  it("send only the two versions on console (nerves_hub_link #454)", () => {
    expect(JSON.stringify(consoleJoinParams())).toBe(
      '{"console_version":"2.0.0","device_api_version":"2.3.0"}',
    );
  });

  it("send name -> version on extensions, as a copy", () => {
    const offered = { health: "0.0.1", geo: "0.0.1", network_identity: "0.0.1" };
    const params = extensionsJoinParams(offered);
    expect(params).toStrictEqual(offered);
    expect(params).not.toBe(offered);
  });
});
