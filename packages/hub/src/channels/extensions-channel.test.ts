// Extensions handshake (hub-server.md §6) with the phoenix client.
import { describe, expect, it } from "vitest";
import { FIRMWARE_PARAMS, sharedSecretHeaders } from "../test-support/fixtures.js";
import { connectPhoenix, join, record } from "../test-support/phoenix-device.js";
import { useTestHub } from "../test-support/test-hub.js";

const env = useTestHub({ extensions: ["health", "geo", "network_identity"] });

async function device(identifier: string) {
  const socket = await connectPhoenix(env.hub.deviceUrl("/device-socket"), {
    headers: sharedSecretHeaders(identifier),
  });
  env.afterThisTest(() => socket.disconnect());
  const dev = socket.channel("device", { ...FIRMWARE_PARAMS, device_api_version: "2.3.0" });
  const got = record(dev, ["extensions:get"]);
  await new Promise((resolve) => dev.join().receive("ok", resolve));
  await expect.poll(() => got.length).toBe(1);
  return socket;
}

describe("extensions", () => {
  it("offers the enabled, version-compatible extensions and requests data on attach", async () => {
    const socket = await device("ext-1");
    const { channel, response } = await join(socket, "extensions", {
      health: "0.0.1",
      geo: "0.0.2",
      local_shell: "0.0.1",
      network_identity: "0.1.0",
      goof: "0.0.1",
    });
    expect(response).toEqual(["geo", "health"]);
    const pushed = record(channel, ["health:check", "geo:location:request"]);
    channel.push("health:attached", {});
    channel.push("geo:attached", {});
    await expect.poll(() => pushed.map((p) => p.event)).toEqual(["health:check", "geo:location:request"]);

    const report = env.hub.waitFor((e) => e.type === "health_report" && e.identifier === "ext-1");
    channel.push("health:report", {
      value: { metrics: { cpu_temp: 41.5 }, alarms: { "NervesHubLink.Disconnected": "[]" } },
    });
    channel.push("geo:location:update", { source: "geoip", latitude: 1.5, longitude: 2.5 });
    await report;
    await expect
      .poll(() => env.hub.device("ext-1")?.location)
      .toEqual({ source: "geoip", latitude: 1.5, longitude: 2.5 });
    expect(env.hub.device("ext-1")).toMatchObject({
      health: { metrics: { cpu_temp: 41.5 } },
      alarms: { "NervesHubLink.Disconnected": "[]" },
      extensionsAttached: ["health", "geo"],
    });
  });

  it("replies 'detach' to messages for extensions it does not serve", async () => {
    const socket = await device("ext-2");
    const { channel } = await join(socket, "extensions", { health: "0.0.1", local_shell: "0.0.1" });
    const reply = await new Promise((resolve) =>
      channel.push("local_shell:attached", {}).receive("error", resolve),
    );
    expect(reply).toBe("detach");
  });

  it("pushes detach and attach when an operator toggles an extension", async () => {
    const socket = await device("ext-3");
    const { channel } = await join(socket, "extensions", { health: "0.0.1" });
    const pushed = record(channel, ["attach", "detach"]);
    env.hub.setExtensionEnabled("health", false, { identifier: "ext-3" });
    env.hub.setExtensionEnabled("health", true, { identifier: "ext-3" });
    await expect
      .poll(() => pushed)
      .toEqual([
        { event: "detach", payload: { extensions: ["health"] } },
        { event: "attach", payload: { extensions: ["health"] } },
      ]);
  });

  it("stores network identities of known services only", async () => {
    const socket = await device("ext-4");
    const { channel } = await join(socket, "extensions", { network_identity: "0.0.1" });
    const requested = record(channel, ["network_identity:request"]);
    channel.push("network_identity:attached", {});
    await expect.poll(() => requested.length).toBe(1);
    channel.push("network_identity:report", {
      identities: [
        { service: "tailscale", identifier: "ts-1" },
        { service: "carrier-pigeon", identifier: "coo" },
      ],
    });
    await expect
      .poll(() => env.hub.device("ext-4")?.networkIdentities)
      .toEqual([{ service: "tailscale", identifier: "ts-1", instance: "default" }]);
  });
});
