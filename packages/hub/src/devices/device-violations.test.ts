// A device sending huge topic names or join params cannot make the hub hold (or the operator API return) them.
import { describe, expect, it } from "vitest";
import { FIRMWARE_PARAMS, sharedSecretHeaders } from "../test-support/fixtures.js";
import { RawDevice, rawConnect } from "../test-support/phoenix-device.js";
import { useTestHub } from "../test-support/test-hub.js";
import { MAX_JOIN_PARAM_CHARS, MAX_JOIN_PARAM_ENTRIES } from "./clip.js";
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

  it("keep clipped join params: long strings, big values and many keys are bounded", async () => {
    const r = await rawConnect(`${env.hub.deviceUrl("/device-socket/websocket")}?vsn=2.0.0`, {
      headers: sharedSecretHeaders("big-params"),
    });
    if (r.kind !== "open") throw new Error(`refused with ${r.status}`);
    const d = new RawDevice(r.ws);
    env.afterThisTest(() => d.ws.terminate());
    const many = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`extra_${i}`, i]));
    const params = {
      ...FIRMWARE_PARAMS,
      nerves_fw_description: "d".repeat(3_000_000),
      blob: Array.from({ length: 200_000 }, (_, i) => i),
      ...many,
    };
    d.sendJson(["1", "1", "device", "phx_join", params]);
    expect((await d.nextJson((f) => f[1] === "1", 20_000))[4]).toMatchObject({ status: "ok" });
    const record = env.hub.device("big-params");
    const kept = record?.joinParams ?? {};
    expect(Object.keys(kept)).toHaveLength(MAX_JOIN_PARAM_ENTRIES);
    expect(kept.nerves_fw_uuid).toBe(FIRMWARE_PARAMS.nerves_fw_uuid);
    expect(kept.nerves_fw_description).toBe("d".repeat(MAX_JOIN_PARAM_CHARS));
    expect(kept.blob).toEqual({ omitted: expect.stringMatching(/^a value of \d+ JSON characters$/) });
    expect(record?.firmware?.uuid).toBe(FIRMWARE_PARAMS.nerves_fw_uuid);
    const response = await fetch(`${env.hub.operatorUrl}/devices/big-params`, {
      headers: { authorization: `Bearer ${env.hub.operatorToken}` },
    });
    expect((await response.text()).length).toBeLessThan(256 * 1024);
  }, 60_000);
});
