import { describe, expect, it } from "vitest";
import { harness, nextAttempt, startJoined } from "./test-support/harness.js";

describe("redirects", () => {
  it("follows a redirect on the next attempt and stays there while it works", async () => {
    const h = harness();
    h.transport.refuse("http", 301, { location: "https://other.test:4443/socket/websocket" });
    await startJoined(h);
    await nextAttempt(h);
    expect(h.transport.requests.map((r) => r.url)).toEqual([
      "wss://hub.test/socket/websocket?vsn=2.0.0",
      "wss://other.test:4443/socket/websocket?vsn=2.0.0",
    ]);
    h.transport.current?.drop();
    await nextAttempt(h);
    expect(h.transport.requests[2]?.url).toBe("wss://other.test:4443/socket/websocket?vsn=2.0.0");
  });

  it("after too many redirects goes back to the configured hub and never gives up", async () => {
    const h = harness({ config: { maxRedirects: 2 } });
    for (let i = 0; i < 6; i++) h.transport.refuse("http", 302, { location: `/hop${i}/websocket` });
    await startJoined(h);
    for (let i = 0; i < 6; i++) await nextAttempt(h);
    expect(h.transport.requests.map((r) => new URL(r.url).pathname)).toEqual([
      "/socket/websocket",
      "/hop0/websocket",
      "/hop1/websocket",
      "/socket/websocket",
      "/hop3/websocket",
      "/hop4/websocket",
      "/socket/websocket",
    ]);
    expect(h.logger.find("too many redirects")).toHaveLength(2);
    expect(h.link.state().status).toBe("joined");
  });

  it("treats a 3xx without location as an HTTP failure against the configured hub", async () => {
    const h = harness();
    h.transport.refuse("http", 301);
    await startJoined(h);
    expect(h.link.state().lastError).toMatchObject({ kind: "http", status: 301 });
    await nextAttempt(h);
    expect(h.transport.requests[1]?.url).toBe("wss://hub.test/socket/websocket?vsn=2.0.0");
  });
});
