import { consoleTopic } from "@nerves-hub-ts/protocol";
import { describe, expect, it } from "vitest";
import { harness, startJoined } from "./test-support/harness.js";

describe("DeviceLink: console", () => {
  it("joins console when remoteConsole is on and exposes its messages as events", async () => {
    const h = harness({ config: { remoteConsole: true } });
    await startJoined(h);
    const conn = h.transport.current;
    expect(conn?.joins.map((j) => j.topic)).toEqual(["device", "console"]);
    expect(conn?.joins[1]?.params).toEqual({ console_version: "2.0.0", device_api_version: "2.3.0" });
    conn?.serverPush("console", "dn", { data: "ls\r" });
    expect(h.events).toContainEqual({
      type: "message",
      topic: "console",
      event: "dn",
      payload: { data: "ls\r" },
    });
    expect(h.link.push(consoleTopic.up("hello"))).toBe(true);
    expect(conn?.pushesOn("console", "up")).toEqual([
      { topic: "console", event: "up", payload: { data: "hello" } },
    ]);
  });

  it("does not join console by default", async () => {
    const h = harness();
    await startJoined(h);
    expect(h.transport.current?.joins.map((j) => j.topic)).toEqual(["device"]);
  });
});
