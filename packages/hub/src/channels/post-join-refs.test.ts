// hub-server.md §1.5, §3.4: the server broadcasts the post-join keys, archive and extensions:get
// (null join_ref and ref); only scripts/run is a channel push carrying the join_ref.
import { expect, it } from "vitest";
import { FIRMWARE_PARAMS } from "../test-support/fixtures.js";
import { rawDevice, rawJoin } from "../test-support/raw-device.js";
import { useTestHub } from "../test-support/test-hub.js";

const env = useTestHub();

it("sends fwup_public_keys, archive_public_keys, archive and extensions:get with null refs", async () => {
  const { hub } = env;
  hub.addSigningKey("K0V5LWtleS1ub3QtcmVhbC1iYXNlNjQtZWQyNTUxOQ==");
  const fw = await hub.addFirmware(new Uint8Array([1, 2, 3]), { version: "0.1.0" });
  hub.registerDevice("refs-1");
  hub.assignArchive("refs-1", { firmwareUuid: fw.uuid });
  hub.setConnectingCode("refs-1", "IO.puts(:hi)");
  const d = await rawDevice(hub, "refs-1");
  env.afterThisTest(() => d.ws.terminate());
  await rawJoin(d, "device", {
    ...FIRMWARE_PARAMS,
    device_api_version: "2.3.0",
    fwup_public_keys: "on_connect",
    archive_public_keys: "on_connect",
  });
  const refsOf = async (event: string) => (await d.nextJson((f) => f[3] === event)).slice(0, 2);
  expect(await refsOf("fwup_public_keys")).toEqual([null, null]);
  expect(await refsOf("archive_public_keys")).toEqual([null, null]);
  expect(await refsOf("archive")).toEqual([null, null]);
  expect(await refsOf("extensions:get")).toEqual([null, null]);
  expect(await refsOf("scripts/run")).toEqual(["1", null]);
});
