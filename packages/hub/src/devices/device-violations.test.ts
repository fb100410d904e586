// A device sending huge topic names cannot make the hub hold (or the operator API return) them.
import { describe, expect, it } from "vitest";
import { sharedSecretHeaders } from "../test-support/fixtures.js";
import { RawDevice, rawConnect } from "../test-support/phoenix-device.js";
import { useTestHub } from "../test-support/test-hub.js";
import { MAX_VIOLATION_TEXT } from "./device-record.js";

const env = useTestHub();
const TOPIC_CHARS = 1_000_000;
const JOINS = 30;

describe("violations with huge topics", () => {
  it("keep a prefix and the length of the topic; the device's JSON stays small", async () => {
    const r = await rawConnect(`${env.hub.deviceUrl("/device-socket/websocket")}?vsn=2.0.0`, {
      headers: sharedSecretHeaders("big-topics"),
    });
    if (r.kind !== "open") throw new Error(`refused with ${r.status}`);
    const d = new RawDevice(r.ws);
    env.afterThisTest(() => d.ws.terminate());
    for (let i = 0; i < JOINS; i++) {
      const topic = `${i}:${"x".repeat(TOPIC_CHARS)}`;
      d.sendJson([String(i), String(i), topic, "phx_join", {}]);
      await d.nextJson((f) => f[1] === String(i), 10_000);
      d.inbox.length = 0;
    }
    const record = env.hub.device("big-topics");
    expect(record?.violationCount).toBe(JOINS);
    expect(record?.violations.at(-1)).toMatchObject({
      topic: `29:${"x".repeat(MAX_VIOLATION_TEXT - 3)}`,
      topicLength: TOPIC_CHARS + 3,
      reason: "join of an unknown topic",
    });
    const response = await fetch(`${env.hub.operatorUrl}/devices/big-topics`, {
      headers: { authorization: `Bearer ${env.hub.operatorToken}` },
    });
    expect((await response.text()).length).toBeLessThan(64 * 1024);
  }, 60_000);
});
