// End-to-end: the official phoenix JS client plays the device over real TLS on loopback.
import { describe, expect, it } from "vitest";
import {
  deviceCert,
  FIRMWARE_PARAMS,
  sharedSecretHeaders,
  type TestPki,
  testPki,
} from "./test-support/fixtures.js";
import { connectPhoenix, join, record } from "./test-support/phoenix-device.js";
import { useTestHub } from "./test-support/test-hub.js";

let pki: TestPki;
const env = useTestHub(async () => {
  pki = await testPki();
  return { tls: pki, signingKeys: ["K0V5LWtleS1ub3QtcmVhbC1iYXNlNjQtZWQyNTUxOQ=="] };
});

const endpoint = (path = "/socket") => env.hub.deviceUrl(path);

const POST_JOIN_EVENTS = [
  "fwup_public_keys",
  "archive_public_keys",
  "archive",
  "extensions:get",
  "scripts/run",
  "update",
];

describe.each(["json", "msgpack"] as const)("phoenix client with the %s serializer", (serializer) => {
  it("authenticates by certificate, joins device and receives the post-join pushes in order", async () => {
    const identifier = `cert-${serializer}`;
    const cred = await deviceCert(pki.ca, identifier);
    const fw = await env.hub.addFirmware(new Uint8Array([1, 2, 3]), {
      version: "0.1.0",
      description: "archive",
    });
    const socket = await connectPhoenix(endpoint(), {
      serializer,
      cert: cred.certPem,
      key: cred.keyPem,
      ca: pki.ca.certPem,
    });
    env.afterThisTest(() => socket.disconnect());
    env.hub.assignArchive(identifier, { firmwareUuid: fw.uuid });
    env.hub.setConnectingCode(identifier, "IO.puts(:hello)");

    const channel = socket.channel("device", {
      ...FIRMWARE_PARAMS,
      device_api_version: "2.3.0",
      fwup_public_keys: "on_connect",
      archive_public_keys: "on_connect",
      currently_downloading_uuid: null,
      meta: { firmware_validated: true, firmware_auto_revert_detected: false },
    });
    const pushes = record(channel, POST_JOIN_EVENTS);
    const response = await new Promise((resolve) => channel.join().receive("ok", resolve));
    expect(response).toEqual({});
    await expect.poll(() => pushes.length).toBe(5);
    expect(pushes.map((p) => p.event)).toEqual([
      "fwup_public_keys",
      "archive_public_keys",
      "archive",
      "extensions:get",
      "scripts/run",
    ]);
    expect(pushes[0]?.payload).toEqual({ keys: ["K0V5LWtleS1ub3QtcmVhbC1iYXNlNjQtZWQyNTUxOQ=="] });
    expect(pushes[2]?.payload).toMatchObject({ uuid: fw.uuid, size: 3, version: "0.1.0" });
    expect(pushes[4]?.payload).toEqual({ text: "IO.puts(:hello)", ref: "connecting_code" });

    const device = env.hub.device(identifier);
    expect(device).toMatchObject({
      createdVia: "jitp",
      auth: "certificate",
      vsn: serializer === "json" ? "2.0.0" : "3.0.0",
      deviceApiVersion: "2.3.0",
      validation: "validated",
      joinedTopics: ["device"],
      firmware: {
        uuid: FIRMWARE_PARAMS.nerves_fw_uuid,
        product: "widget",
        version: "1.0.0",
        platform: "rpi4",
      },
    });
  });

  it("authenticates by shared secret over TLS and records every device report", async () => {
    const identifier = `ss-${serializer}`;
    const socket = await connectPhoenix(endpoint("/device-socket"), {
      serializer,
      headers: sharedSecretHeaders(identifier),
      ca: pki.ca.certPem,
    });
    env.afterThisTest(() => socket.disconnect());
    const { channel } = await join(socket, "device", {
      ...FIRMWARE_PARAMS,
      device_api_version: "2.0.0",
      currently_downloading_uuid: "22222222-2222-2222-2222-222222222222",
      meta: { firmware_validated: false },
    });
    const last = env.hub.waitFor((e) => e.type === "rebooting" && e.identifier === identifier);
    channel.push("report_network_interface", { interface: "wlan0" });
    channel.push("connection_types", { values: ["ethernet", "wifi"] });
    channel.push("status_update", { status: "downloading" });
    channel.push("fwup_progress", { stage: "downloading", value: 42 });
    channel.push("firmware_validated", {});
    channel.push("rebooting", {});
    await last;
    expect(env.hub.device(identifier)).toMatchObject({
      auth: "shared_secret",
      networkInterface: { name: "wlan0", kind: "wifi" },
      connectionTypes: ["ethernet", "wifi"],
      lastStatus: { status: "downloading" },
      progress: { value: 42, stage: "downloading" },
      validation: "validated",
      currentlyDownloadingUuid: "22222222-2222-2222-2222-222222222222",
      inFlight: { firmwareUuid: "22222222-2222-2222-2222-222222222222", status: "downloading", progress: 42 },
      violations: [],
    });
  });
});

describe("connection lifecycle", () => {
  it("kicks the older connection of a device with close code 1001", async () => {
    const identifier = "twice";
    const first = await connectPhoenix(endpoint("/device-socket"), {
      headers: sharedSecretHeaders(identifier),
      ca: pki.ca.certPem,
    });
    env.afterThisTest(() => first.disconnect());
    const closed = new Promise<number>((resolve) => first.onClose((e: { code: number }) => resolve(e.code)));
    const second = await connectPhoenix(endpoint("/device-socket"), {
      headers: sharedSecretHeaders(identifier),
      ca: pki.ca.certPem,
    });
    env.afterThisTest(() => second.disconnect());
    expect(await closed).toBe(1001);
    await join(second, "device", FIRMWARE_PARAMS);
    expect(env.hub.device(identifier)).toMatchObject({ connected: true, joinedTopics: ["device"] });
  });

  it("records an update as completed when the device rejoins with a new firmware uuid", async () => {
    const identifier = "updater";
    const fw = await env.hub.addFirmware(new Uint8Array(10), { version: "2.0.0", product: "widget" });
    const s1 = await connectPhoenix(endpoint("/device-socket"), {
      headers: sharedSecretHeaders(identifier),
      ca: pki.ca.certPem,
    });
    env.afterThisTest(() => s1.disconnect());
    const { channel } = await join(s1, "device", FIRMWARE_PARAMS);
    const updates = record(channel, ["update"]);
    expect(env.hub.deploy(fw.uuid, { to: identifier }).sentTo).toEqual([identifier]);
    await expect.poll(() => updates.length).toBe(1);
    expect(env.hub.device(identifier)?.inFlight).toMatchObject({
      firmwareUuid: fw.uuid,
      status: "requested",
    });
    s1.disconnect();

    const completed = env.hub.waitFor((e) => e.type === "update_completed" && e.identifier === identifier);
    const s2 = await connectPhoenix(endpoint("/device-socket"), {
      headers: sharedSecretHeaders(identifier),
      ca: pki.ca.certPem,
    });
    env.afterThisTest(() => s2.disconnect());
    await join(s2, "device", {
      ...FIRMWARE_PARAMS,
      nerves_fw_uuid: fw.uuid,
      currently_downloading_uuid: null,
    });
    await expect(completed).resolves.toMatchObject({
      fromUuid: FIRMWARE_PARAMS.nerves_fw_uuid,
      toUuid: fw.uuid,
    });
    expect(env.hub.device(identifier)).toMatchObject({
      inFlight: null,
      completedUpdates: [{ toUuid: fw.uuid }],
      completedUpdateCount: 1,
    });
  });
});
