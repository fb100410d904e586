// The listener under a connection burst: every handshake is queued, none dropped and retried.
import { readFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type Hub, startHub } from "./hub.js";

const BURST = 600;

/** Linux caps the backlog at somaxconn; the burst test needs room for all of it. */
function somaxconn(): number {
  try {
    return Number(readFileSync("/proc/sys/net/core/somaxconn", "utf8"));
  } catch {
    return 0;
  }
}

let hub: Hub | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await hub?.close();
  hub = undefined;
});

describe("listen backlog", () => {
  it.skipIf(somaxconn() < BURST)(
    "queues a burst of connections larger than Node's default backlog without dropping any",
    async () => {
      hub = await startHub();
      const started = performance.now();
      // All connects are issued in one tick: on loopback the kernel completes each handshake at once,
      // so the accept queue must hold the whole burst. A dropped handshake is retried after 1 s.
      const connectedAfterMs = await Promise.all(
        Array.from(
          { length: BURST },
          () =>
            new Promise<number>((resolve, reject) => {
              const socket = connect((hub as Hub).port, "127.0.0.1", () =>
                resolve(performance.now() - started),
              );
              socket.on("error", reject);
              sockets.push(socket);
            }),
        ),
      );
      expect(connectedAfterMs.filter((ms) => ms >= 1000)).toEqual([]);
    },
  );

  it("refuses a backlog that is not a positive integer", async () => {
    await expect(startHub({ backlog: 0 })).rejects.toThrow(
      new RangeError("backlog must be a positive integer, got 0"),
    );
    await expect(startHub({ backlog: 1.5 })).rejects.toThrow(RangeError);
  });
});
