// Clients that connect and never finish their request are closed after the configured timeout,
// over plain TCP and over TLS, while the hub keeps answering everyone else.
import { connect as connectTcp, type Socket } from "node:net";
import { connect as connectTls } from "node:tls";
import { afterEach, describe, expect, it } from "vitest";
import { type Hub, startHub } from "../hub.js";
import { testPki } from "../test-support/fixtures.js";
import { rawExchange, stalledClients } from "../test-support/raw-request.js";

const HEADERS_TIMEOUT_MS = 600;
const STALLED = 200;
/** Far below Node's own defaults (60 s for headers, checked every 30 s; 120 s for a TLS handshake). */
const CLOSED_WITHIN_MS = 10_000;

let hub: Hub | undefined;
let sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets) s.destroy();
  sockets = [];
  await hub?.close();
  hub = undefined;
});

const closed = (socket: Socket) =>
  new Promise<void>((resolve) => (socket.destroyed ? resolve() : socket.once("close", () => resolve())));

async function expectAllClosed(stalled: Socket[]): Promise<void> {
  const started = Date.now();
  await Promise.all(stalled.map(closed));
  expect(Date.now() - started).toBeLessThan(CLOSED_WITHIN_MS);
}

describe("slow clients", () => {
  it("closes plain connections that never finish their headers, or never send a byte", async () => {
    hub = await startHub({ headersTimeoutMs: HEADERS_TIMEOUT_MS });
    const port = hub.port;
    sockets = [
      ...(await stalledClients(port, STALLED / 2, "GET /status/alive HTTP/1.1\r\nhost: hub\r\nx-slow: ")),
      ...(await stalledClients(port, STALLED / 2, "")),
    ];
    for (const s of sockets) s.on("error", () => {});
    const alive = await rawExchange(
      port,
      "GET /status/alive HTTP/1.1\r\nhost: hub\r\nconnection: close\r\n\r\n",
    );
    expect(alive.status).toBe(200);
    await expectAllClosed(sockets);
    expect((await rawExchange(port, "GET /status/alive HTTP/1.1\r\nhost: hub\r\n\r\n")).status).toBe(200);
  }, 30_000);

  it("closes TLS connections that never finish the handshake or their headers", async () => {
    const pki = await testPki();
    hub = await startHub({
      tls: { certPem: pki.server.certPem, keyPem: pki.server.keyPem },
      headersTimeoutMs: HEADERS_TIMEOUT_MS,
    });
    const port = hub.port;
    const noHandshake = await stalledClients(port, 20, "");
    const noHeaders = await Promise.all(
      Array.from(
        { length: 20 },
        () =>
          new Promise<Socket>((resolve, reject) => {
            const s = connectTls({ port, host: "127.0.0.1", ca: pki.ca.certPem }, () => {
              s.write("GET /status/alive HTTP/1.1\r\nhost: hub\r\n");
              s.resume();
              resolve(s);
            });
            s.on("error", reject);
          }),
      ),
    );
    sockets = [...noHandshake, ...noHeaders];
    for (const s of sockets) s.on("error", () => {});
    await expectAllClosed(sockets);
    const fresh = connectTcp(port, "127.0.0.1");
    sockets.push(fresh);
    await new Promise((r) => fresh.once("connect", r));
  }, 30_000);

  it("refuses timeouts that are not positive integers, or a headers timeout above the request timeout", async () => {
    await expect(startHub({ headersTimeoutMs: 0 })).rejects.toThrow(RangeError);
    await expect(startHub({ requestTimeoutMs: 1000, headersTimeoutMs: 2000 })).rejects.toThrow(RangeError);
    await expect(startHub({ keepAliveTimeoutMs: 1.5 })).rejects.toThrow(RangeError);
  });
});
