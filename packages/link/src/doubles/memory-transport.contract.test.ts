import { transportContract } from "@nerves-hub-ts/port-contracts";
import type { Clock } from "@nerves-hub-ts/ports";
import { ConnectError } from "@nerves-hub-ts/ports";
import { MemoryTransport } from "./memory-transport.js";

/** Real timers, so the suite's heartbeats run while it waits. */
const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const timer = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(timer) };
  },
};

const request = {
  url: "wss://hub.test/socket/websocket?vsn=2.0.0",
  serializer: "json" as const,
  headers: {},
  heartbeatIntervalMs: 0,
  compress: false,
  connectTimeoutMs: 1000,
};

transportContract("MemoryTransport", async () => {
  const transport = new MemoryTransport({ heartbeatClock: realClock });
  transport.admit = (r) =>
    r.headers["x-nh-key"] === "forged"
      ? { refuse: new ConnectError("http", "upgrade refused with HTTP 401", { status: 401 }) }
      : { accept: true };
  transport.joinReply = (topic) =>
    topic === "nowhere"
      ? { status: "error", response: { reason: "unmatched topic" } }
      : { status: "ok", response: {} };
  transport.pushReply = (topic, event) =>
    topic === "extensions" && event === "geo:attached" ? { status: "error", response: "detach" } : undefined;
  const current = () => {
    const connection = transport.current;
    if (!connection) throw new Error("no connection");
    return connection;
  };
  return {
    transport,
    request,
    refusedRequest: { request: { ...request, headers: { "x-nh-key": "forged" } }, kind: "http" },
    peer: {
      accepted: { topic: "device", params: { nerves_fw_uuid: "8a8b902c-d1a9-58aa-6111-04ab57c2f2a8" } },
      refused: { topic: "nowhere", params: {} },
      recorded: { event: "status_update", payload: { status: "failed", reason: "no room" } },
      received: async () => {
        const seen = current().pushesOn("device", "status_update").length;
        for (;;) {
          const next = current().pushesOn("device", "status_update")[seen];
          if (next) return next.payload;
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
      },
      answered: {
        topic: "extensions",
        params: { geo: "0.1.0" },
        event: "geo:attached",
        payload: {},
        status: "error",
      },
      send: (topic, event, payload) => {
        current().serverPush(topic, event, payload);
      },
      drop: () => current().drop(),
      crash: (topic) => current().crashChannel(topic),
      closeChannel: (topic) => current().closeChannel(topic),
    },
  };
});
