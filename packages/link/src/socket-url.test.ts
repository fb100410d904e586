import { describe, expect, it } from "vitest";
import { resolveConfig } from "./config.js";
import { baseUrl, loggableUrl, redirectUrl, socketUrl } from "./socket-url.js";

const cert = { path: "/socket/websocket", headers: {} } as const;
const secret = { path: "/device-socket/websocket", headers: {} } as const;

describe("socket URL", () => {
  it("prepends wss:// to a bare host and replaces the path with the auth mode's", () => {
    const base = baseUrl(resolveConfig({ host: "hub.example.com:4001" }));
    expect(socketUrl(base, cert, "json", false)).toBe(
      "wss://hub.example.com:4001/socket/websocket?vsn=2.0.0",
    );
    expect(socketUrl(base, secret, "msgpack", false)).toBe(
      "wss://hub.example.com:4001/device-socket/websocket?vsn=3.0.0",
    );
  });

  it("keeps other query params for JSON and replaces the whole query for msgpack", () => {
    const base = baseUrl(resolveConfig({ socket: { url: "wss://h/custom/websocket?x=1" } }));
    expect(socketUrl(base, cert, "json", true)).toBe("wss://h/custom/websocket?x=1&vsn=2.0.0");
    expect(socketUrl(base, cert, "msgpack", true)).toBe("wss://h/custom/websocket?vsn=3.0.0");
  });

  it("resolves redirects relative to the current URL and maps http(s) to ws(s)", () => {
    expect(redirectUrl("wss://a/socket/websocket", "https://b:4443/x")?.toString()).toBe("wss://b:4443/x");
    expect(redirectUrl("wss://a/socket/websocket", "/other/websocket")?.toString()).toBe(
      "wss://a/other/websocket",
    );
    expect(redirectUrl("wss://a/", "mailto:x@y")).toBeUndefined();
  });

  it("drops the query from logged URLs", () => {
    expect(loggableUrl("wss://h:1/socket/websocket?vsn=2.0.0&token=secret")).toBe(
      "wss://h:1/socket/websocket",
    );
  });
});
