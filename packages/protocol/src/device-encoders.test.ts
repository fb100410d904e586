import { describe, expect, it } from "vitest";
import { consoleTopic, deviceTopic, extensionsTopic, type Outgoing } from "./device-encoders.js";
import { decodeDeviceMessage } from "./messages.js";
import { jsonSerializer, msgpackSerializer } from "./serializer.js";
import { healthStatus, viaJson } from "./test-support/samples.js";

// One call per encoder; the mapped types make a forgotten encoder a compile error.
type Calls<T> = { [K in keyof T]: Outgoing[] };
const deviceCalls: Calls<typeof deviceTopic> = {
  fwupProgress: [deviceTopic.fwupProgress("downloading", 12.4), deviceTopic.fwupProgress("updating", 100)],
  updateProgress: [deviceTopic.updateProgress(42, "downloading"), deviceTopic.updateProgress(100)],
  received: [deviceTopic.received()],
  started: [deviceTopic.started("wlan0"), deviceTopic.started(null)],
  completed: [deviceTopic.completed()],
  ignored: [deviceTopic.ignored(), deviceTopic.ignored("already running it")],
  rescheduled: [deviceTopic.rescheduled(300_000), deviceTopic.rescheduled(900_000, "maintenance window")],
  failed: [deviceTopic.failed('FWUP error : "Invalid signature"')],
  firmwareValidated: [deviceTopic.firmwareValidated()],
  connectionTypes: [deviceTopic.connectionTypes(["ethernet"])],
  reportNetworkInterface: [deviceTopic.reportNetworkInterface("eth0")],
  rebooting: [deviceTopic.rebooting()],
  scriptCompleted: [deviceTopic.scriptCompleted("q1w2eA", "hi\n", ":ok")],
  scriptFailed: [deviceTopic.scriptFailed("q1w2eA", "timeout", "Error running script: timeout exceeded")],
};
const consoleCalls: Calls<typeof consoleTopic> = {
  up: [consoleTopic.up("$ ")],
  fileDataStart: [consoleTopic.fileDataStart("log.txt")],
  fileData: [consoleTopic.fileData("log.txt", 0, "aGk=")],
  fileDataStop: [consoleTopic.fileDataStop("log.txt")],
};
const extensionCalls: Calls<typeof extensionsTopic> = {
  attached: [extensionsTopic.attached("health")],
  detached: [extensionsTopic.detached("geo")],
  error: [extensionsTopic.error("local_shell", "start_failure")],
  healthReport: [extensionsTopic.healthReport(healthStatus), extensionsTopic.healthReport(null)],
  location: [extensionsTopic.location({ latitude: 1.5, longitude: 2.5 })],
  locationError: [extensionsTopic.locationError("HTTP_ERROR", "503")],
  networkIdentities: [
    extensionsTopic.networkIdentities([
      { service: "wireguard", identifier: "pubkey=", instance: "wg0", details: { port: 51820 } },
      { service: "iroh", identifier: "node", instance: "" },
    ]),
  ],
  shellStatus: [extensionsTopic.shellStatus("started"), extensionsTopic.shellStatus("failed", "no pty")],
  shellOutput: [extensionsTopic.shellOutput("ok\r\n")],
  shellExited: [extensionsTopic.shellExited(0)],
  log: [extensionsTopic.log("info", "up", new Date("2026-01-01T00:00:00Z"), { app: "agent" })],
};

const all = [
  ...Object.entries(deviceCalls),
  ...Object.entries(consoleCalls),
  ...Object.entries(extensionCalls),
].flatMap(([name, outs]) => outs.map((o, i) => [`${name}#${i}`, o] as const));

describe("device-to-server encoders", () => {
  it.each(all)("%s produces a payload the catalog accepts unchanged", (_, out) => {
    const r = decodeDeviceMessage(out.topic, out.event, out.payload);
    expect(r.ok, r.ok ? "" : r.error.message).toBe(true);
    if (!r.ok) return;
    expect(r.value.kind).not.toBe("unknown");
    expect(r.value.payload).toStrictEqual(out.payload);
  });

  it.each(all)("%s survives both serializers", (_, out) => {
    for (const [s, wire] of [
      [jsonSerializer(), viaJson],
      [msgpackSerializer(), (p: unknown) => p],
    ] as const) {
      const frame = s.decode(s.encode({ joinRef: "1", ref: "2", ...out }));
      const r = frame.ok
        ? decodeDeviceMessage(frame.value.topic, frame.value.event, frame.value.payload)
        : frame;
      expect(r.ok && r.value.payload).toStrictEqual(wire(out.payload));
    }
  });
});

describe("progress", () => {
  it("has the fwup_progress shape of device-client.md §3.3", () => {
    expect(deviceTopic.fwupProgress("updating", 100)).toStrictEqual({
      topic: "device",
      event: "fwup_progress",
      payload: { stage: "updating", value: 100 },
    });
  });

  it.each([
    [12.4, 12],
    [12.5, 13],
    [99.6, 100],
    [-3, 0],
    [250, 100],
    [Number.POSITIVE_INFINITY, "throws"],
    [Number.NaN, "throws"],
  ] as const)("clamps %d to an integer 0..100: %s", (input, want) => {
    if (want === "throws") {
      expect(() => deviceTopic.fwupProgress("downloading", input)).toThrow(RangeError);
      return;
    }
    expect(deviceTopic.fwupProgress("downloading", input).payload.value).toBe(want);
    expect(deviceTopic.updateProgress(input).payload.value).toBe(want);
  });

  it("leaves stage out of update_progress when not given (100 then means completed)", () => {
    expect(deviceTopic.updateProgress(100).payload).toStrictEqual({ value: 100 });
  });
});

describe("status_update", () => {
  it("sends delay_for in milliseconds, as the server reads it", () => {
    // The server's own test sends 900000 for 15 minutes (device-client.md §3.3).
    expect(deviceTopic.rescheduled(15 * 60 * 1000).payload).toStrictEqual({
      status: "rescheduled",
      delay_for: 900_000,
    });
    expect(deviceTopic.rescheduled(60_000, "busy").payload).toStrictEqual({
      status: "rescheduled",
      delay_for: 60_000,
      reason: "busy",
    });
  });

  it.each([0, -1, 1.5, Number.NaN])("refuses a delay of %d ms", (ms) => {
    expect(() => deviceTopic.rescheduled(ms)).toThrow(RangeError);
  });

  it("reports an unknown downloader interface as null, not absent", () => {
    expect(deviceTopic.started(null).payload).toStrictEqual({
      status: "started",
      downloader_network_interface: null,
    });
  });

  it("sends an empty reason for a bare ignore", () => {
    expect(deviceTopic.ignored().payload).toStrictEqual({ status: "ignored", reason: "" });
  });
});

describe("other shapes", () => {
  it("answers scripts/run the way the server joins output and return", () => {
    expect(
      deviceTopic.scriptFailed("r", "timeout", "Error running script: timeout exceeded").payload,
    ).toStrictEqual({
      ref: "r",
      result: "error",
      reason: "timeout",
      output: "Error running script: timeout exceeded",
      return: "",
    });
  });

  it("omits an empty network-identity instance", () => {
    const [out] = extensionCalls.networkIdentities;
    expect(out?.payload).toHaveProperty("identities", [
      { service: "wireguard", identifier: "pubkey=", details: { port: 51820 }, instance: "wg0" },
      { service: "iroh", identifier: "node" },
    ]);
  });

  it("defaults the geo source to geoip and lets a resolver name its own", () => {
    expect(extensionsTopic.location({ latitude: 1, longitude: 2 }).payload).toStrictEqual({
      source: "geoip",
      latitude: 1,
      longitude: 2,
    });
    expect(extensionsTopic.location({ latitude: 1, longitude: 2, source: "gps" }).payload).toMatchObject({
      source: "gps",
    });
  });

  it("names extension lifecycle events <name>:<action> on the extensions topic", () => {
    expect(extensionsTopic.error("geo", "unknown_extension")).toStrictEqual({
      topic: "extensions",
      event: "geo:error",
      payload: { reason: "unknown_extension" },
    });
  });
});
