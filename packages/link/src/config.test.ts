import { describe, expect, it } from "vitest";
import { ConfigError, resolveConfig } from "./config.js";

describe("resolveConfig", () => {
  it("fills in nerves_hub_link's defaults", () => {
    const c = resolveConfig({});
    expect(c).toMatchObject({
      host: "localhost",
      serializer: "json",
      compress: true,
      heartbeatIntervalMs: 30_000,
      rejoinAfterMs: [5_000],
      connect: true,
      connectWaitForNetwork: true,
      backoff: { minMs: 1_000, maxMs: 60_000, jitter: 0.5 },
      maxRedirects: 2,
      fwupPublicKeys: [],
      requestFwupPublicKeys: false,
      remoteConsole: false,
      extensions: {},
    });
  });

  it("accepts a single rejoin delay like nerves_hub_link's integer form", () => {
    expect(resolveConfig({ rejoinAfterMs: 2000 }).rejoinAfterMs).toEqual([2000]);
  });

  it.each([
    [{ hots: "x" }, "config.hots is not a known setting"],
    [{ serializer: "xml" }, 'config.serializer must be "json" or "msgpack" (got "xml")'],
    [{ heartbeatIntervalMs: -1 }, "config.heartbeatIntervalMs must be a non-negative integer (ms) (got -1)"],
    [
      { backoff: { minMs: 5000, maxMs: 1000 } },
      "config.backoff.maxMs must not be below backoff.minMs (5000)",
    ],
    [{ backoff: { jitter: 2 } }, "config.backoff.jitter must be a number from 0 to 1 (got 2)"],
    [{ socket: { url: "https://hub" } }, 'config.socket.url must use ws: or wss: (got "https://hub")'],
    [{ host: "ftp://hub" }, 'config.host must use ws:// or wss:// (got "ftp://hub")'],
    [{ proxy: "socks5://p:1080" }, 'config.proxy must use http: or https: (got "socks5://p:1080")'],
    [{ fwupPublicKeys: ["a", 3] }, 'config.fwupPublicKeys must be a list of strings (got ["a",3])'],
    [{ socket: { reconnectAfterMs: [] } }, "config.socket.reconnectAfterMs must be a non-empty list"],
    [{ socket: { ulr: "wss://hub" } }, "config.socket.ulr is not a known setting"],
    [{ compress: null }, "config.compress must be a boolean (got null)"],
  ])("rejects %j with a clear message", (input, message) => {
    expect(() => resolveConfig(input)).toThrow(ConfigError);
    expect(() => resolveConfig(input)).toThrow(message);
  });

  it("never echoes a secret in an error", () => {
    let error: unknown;
    try {
      resolveConfig({ ssl: { key: 42 } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).key).toBe("ssl.key");
    expect((error as Error).message).not.toContain("42");
  });

  it("holds only what the link reads: adapter and credential keys are not link settings", () => {
    for (const key of [
      "sharedSecret",
      "fwupDevpath",
      "fwupTask",
      "fwupEnv",
      "fwupExtraOptions",
      "dataPath",
    ]) {
      expect(() => resolveConfig({ [key]: "x" })).toThrow(`config.${key} is not a known setting`);
    }
  });

  it("runs the Configurator over the resolved config", () => {
    const c = resolveConfig(
      { host: "hub.example.com" },
      { build: (cfg) => ({ ...cfg, sni: "device.hub.example.com", heartbeatIntervalMs: 10_000 }) },
    );
    expect(c.sni).toBe("device.hub.example.com");
    expect(c.heartbeatIntervalMs).toBe(10_000);
    expect(c.host).toBe("hub.example.com");
  });
});
