import { createServer, type Socket } from "node:net";
import { createCa, createDeviceCert, createServerCert, type PemCredential } from "@nerves-hub-ts/dev-pki";
import { MemoryLogger, StaticIdentity } from "@nerves-hub-ts/link/testing";
import {
  type CloseInfo,
  ConnectError,
  type Connection,
  type ConnectRequest,
  JoinError,
} from "@nerves-hub-ts/ports";
import { replyFrame } from "@nerves-hub-ts/protocol";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { startConnectProxy } from "./test-support/connect-proxy.js";
import { startDevice } from "./test-support/device.js";
import { peerCertificateCn, type RawServer, startRawServer } from "./test-support/raw-server.js";
import { wsTransport } from "./ws-transport.js";

let ca: PemCredential;
let server: PemCredential;
let device: PemCredential;
const cleanups: (() => unknown)[] = [];

beforeAll(async () => {
  ca = await createCa({ commonName: "transport test CA" });
  server = await createServerCert(ca, {
    commonName: "hub.test",
    altNames: ["hub.test", "localhost", "127.0.0.1"],
  });
  device = await createDeviceCert(ca, { identifier: "transport-device" });
});

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function rawServer(options: Parameters<typeof startRawServer>[0] = {}): Promise<RawServer> {
  const s = await startRawServer(options);
  cleanups.push(() => s.close());
  return s;
}

function request(url: string, extra: Partial<ConnectRequest> = {}): ConnectRequest {
  return {
    url,
    serializer: "json",
    headers: {},
    heartbeatIntervalMs: 30_000,
    compress: true,
    connectTimeoutMs: 5_000,
    ...extra,
  };
}

async function connect(url: string, extra: Partial<ConnectRequest> = {}, logger = new MemoryLogger()) {
  const conn = await wsTransport({ logger, env: {}, joinTimeoutMs: 500 }).connect(request(url, extra));
  cleanups.push(() => conn.close());
  return conn;
}

async function connectError(
  url: string,
  extra: Partial<ConnectRequest> = {},
  env = {},
): Promise<ConnectError> {
  const result = await wsTransport({ env })
    .connect(request(url, extra))
    .then(
      (c) => {
        c.close();
        return new Error("connected");
      },
      (e: unknown) => e,
    );
  expect(result).toBeInstanceOf(ConnectError);
  return result as ConnectError;
}

/** Collects what a joined topic receives. */
function recorder() {
  const messages: { event: string; payload: unknown }[] = [];
  const errors: unknown[] = [];
  let closed = 0;
  return {
    messages,
    errors,
    get closed() {
      return closed;
    },
    handlers: {
      onMessage: (event: string, payload: unknown) => messages.push({ event, payload }),
      onError: (reason: unknown) => errors.push(reason),
      onClose: () => {
        closed++;
      },
    },
  };
}

const until = async (check: () => boolean, timeoutMs = 3000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe("wsTransport: the upgrade request", () => {
  it("sends the exact URL, the upgrade headers, offers deflate, and no Origin", async () => {
    const s = await rawServer();
    await connect(s.url("/device-socket/websocket?vsn=2.0.0"), {
      headers: { "x-nh-key": "k", "x-other": "1" },
    });
    const peer = await s.peer();
    expect(peer.request.url).toBe("/device-socket/websocket?vsn=2.0.0");
    expect(peer.request.headers).toMatchObject({ "x-nh-key": "k", "x-other": "1" });
    expect(peer.request.headers.origin).toBeUndefined();
    expect(peer.request.headers["sec-websocket-extensions"]).toMatch(/^permessage-deflate/);
    expect(peer.ws.extensions).toMatch(/permessage-deflate/);
  });

  it("does not offer deflate when compress is off", async () => {
    const s = await rawServer();
    await connect(s.url(), { compress: false });
    const peer = await s.peer();
    expect(peer.request.headers["sec-websocket-extensions"]).toBeUndefined();
  });

  it("presents the client certificate, verifies the server against the CA and sends SNI", async () => {
    const s = await rawServer({
      tls: { cert: server.certPem, key: server.keyPem, ca: ca.certPem, requestCert: true },
    });
    const conn = await connect(s.url(), {
      tls: { cert: device.certPem, key: device.keyPem, ca: [ca.certPem], servername: "hub.test" },
    });
    const peer = await s.peer();
    expect(peerCertificateCn(peer)).toBe("transport-device");
    expect(s.serverNames).toEqual(["hub.test"]);
    expect(conn.localAddress).toBe("127.0.0.1");
  });
});

describe("wsTransport: topics and frames", () => {
  it.each(["json", "msgpack"] as const)("joins, pushes and receives over %s", async (serializer) => {
    const s = await rawServer({
      joinReply: (f) => ({ status: "ok", response: { topic: f.topic, echo: f.payload } }),
    });
    const vsn = serializer === "json" ? "2.0.0" : "3.0.0";
    const conn = await connect(s.url(`/socket/websocket?vsn=${vsn}`), { serializer });
    const rec = recorder();
    const channel = conn.join("device", { a: 1 }, rec.handlers);
    expect(channel.push("early", {})).toBe(false);
    expect(await channel.joined).toEqual({ topic: "device", echo: { a: 1 } });
    const peer = await s.peer();
    const join = await peer.frame((f) => f.event === "phx_join");
    expect(join).toMatchObject({ topic: "device", payload: { a: 1 } });
    expect(join.joinRef).toBe(join.ref);
    expect(channel.push("status_update", { status: "received" })).toBe(true);
    const pushed = await peer.frame((f) => f.event === "status_update");
    expect(pushed).toMatchObject({ joinRef: join.joinRef, topic: "device", payload: { status: "received" } });
    expect(peer.rawFrames.every((f) => f.binary === (serializer === "msgpack"))).toBe(true);
    peer.send({ joinRef: null, ref: null, topic: "device", event: "identify", payload: {} });
    peer.send({ joinRef: join.joinRef, ref: null, topic: "device", event: "reboot", payload: {} });
    await until(() => rec.messages.length === 2);
    expect(rec.messages.map((m) => m.event)).toEqual(["identify", "reboot"]);
  });

  it("reports phx_error and phx_close, and ignores messages from an older join", async () => {
    const s = await rawServer();
    const conn = await connect(s.url());
    const rec = recorder();
    const channel = conn.join("device", {}, rec.handlers);
    await channel.joined;
    const peer = await s.peer();
    const join = await peer.frame((f) => f.event === "phx_join");
    peer.send({ joinRef: "999", ref: null, topic: "device", event: "stale", payload: {} });
    peer.send({
      joinRef: join.joinRef,
      ref: null,
      topic: "device",
      event: "phx_error",
      payload: { reason: "crash" },
    });
    await until(() => rec.errors.length === 1);
    expect(rec.messages).toEqual([]);
    expect(channel.push("x", {})).toBe(false);
    const again = conn.join("device", {}, rec.handlers);
    await again.joined;
    const rejoin = await peer.frame((f) => f.event === "phx_join" && f.ref !== join.ref);
    peer.send({ joinRef: rejoin.joinRef, ref: null, topic: "device", event: "phx_close", payload: {} });
    await until(() => rec.closed === 1);
  });

  it("leave sends phx_leave and resolves on the ok reply, on phx_close, or when the connection ends", async () => {
    const s = await rawServer();
    const conn = await connect(s.url());
    const peer = await s.peer();
    const settled: string[] = [];
    const joinAndLeave = async (topic: string) => {
      const channel = conn.join(topic, {}, recorder().handlers);
      await channel.joined;
      const left = channel.leave().then(() => settled.push(topic));
      const leave = await peer.frame((f) => f.event === "phx_leave" && f.topic === topic);
      const join = await peer.frame((f) => f.event === "phx_join" && f.topic === topic);
      expect(leave.joinRef).toBe(join.joinRef);
      expect(channel.push("x", {})).toBe(false);
      return { left, leave };
    };
    const a = await joinAndLeave("a");
    const b = await joinAndLeave("b");
    const c = await joinAndLeave("c");
    await new Promise((r) => setTimeout(r, 50));
    expect(settled).toEqual([]);
    peer.send(replyFrame(a.leave, "ok", {}));
    await a.left;
    peer.send({
      joinRef: b.leave.joinRef,
      ref: b.leave.joinRef,
      topic: "b",
      event: "phx_close",
      payload: {},
    });
    await b.left;
    expect(settled).toEqual(["a", "b"]);
    peer.ws.close(1000);
    await c.left;
    expect(settled).toEqual(["a", "b", "c"]);
  });

  it("rejects a refused join and a join that gets no reply", async () => {
    const s = await rawServer({
      joinReply: (f) =>
        f.topic === "quiet" ? undefined : { status: "error", response: { reason: "unmatched topic" } },
    });
    const conn = await connect(s.url());
    const refused = await conn.join("nope", {}, recorder().handlers).joined.catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(JoinError);
    expect(refused).toMatchObject({ kind: "refused", response: { reason: "unmatched topic" } });
    const quiet = await conn.join("quiet", {}, recorder().handlers).joined.catch((e: unknown) => e);
    expect(quiet).toMatchObject({ kind: "timeout" });
  });

  it("drops undecodable frames with one log line per kind and keeps the channel working", async () => {
    const s = await rawServer();
    const logger = new MemoryLogger();
    const conn = await connect(s.url(), {}, logger);
    const rec = recorder();
    await conn.join("device", {}, rec.handlers).joined;
    const closes: CloseInfo[] = [];
    conn.onClose((i) => closes.push(i));
    const peer = await s.peer();
    for (let i = 0; i < 5; i++) {
      peer.sendRaw("this is not json", false);
      peer.sendRaw('["1","2","device","four elements"]', false);
      peer.sendRaw(new Uint8Array([9, 9, 9]), true);
    }
    peer.send({ joinRef: null, ref: null, topic: "device", event: "identify", payload: {} });
    await until(() => rec.messages.length === 1);
    const dropped = logger.find("could not be decoded");
    expect(dropped.map((l) => l.fields?.code)).toEqual(["bad_json", "wrong_arity", "bad_binary_frame"]);
    expect(closes).toEqual([]);
    expect(peer.closed).toBeUndefined();
  });

  it("a throwing handler does not take the connection down", async () => {
    const s = await rawServer();
    const logger = new MemoryLogger();
    const conn = await connect(s.url(), {}, logger);
    let calls = 0;
    await conn.join(
      "device",
      {},
      {
        onMessage: () => {
          calls++;
          throw new Error("boom");
        },
        onError: () => {},
        onClose: () => {},
      },
    ).joined;
    const peer = await s.peer();
    peer.send({ joinRef: null, ref: null, topic: "device", event: "a", payload: {} });
    peer.send({ joinRef: null, ref: null, topic: "device", event: "b", payload: {} });
    await until(() => calls === 2);
    expect(logger.find("handler for a hub message failed")).toHaveLength(2);
  });
});

describe("a DeviceLink over a misbehaving server", () => {
  it("logs each kind of bad frame once, stays joined on the same connection and keeps working", async () => {
    const s = await rawServer();
    const d = startDevice({ identity: new StaticIdentity(), config: { host: `ws://127.0.0.1:${s.port}` } });
    cleanups.push(() => d.link.stop());
    await d.waitState((st) => st.status === "joined");
    const peer = await s.peer();
    for (let i = 0; i < 5; i++) {
      peer.sendRaw("{not json", false);
      peer.sendRaw(new Uint8Array([1, 2, 3]), true);
      peer.send({ joinRef: null, ref: null, topic: "device", event: "mystery", payload: {} });
    }
    peer.send({ joinRef: null, ref: null, topic: "device", event: "identify", payload: {} });
    await d.waitFor((e) => e.type === "message" && e.event === "identify");
    expect(d.logger.lines.filter((l) => l.level === "warn").map((l) => l.msg)).toEqual([
      "dropped a frame from the hub that could not be decoded",
      "dropped a frame from the hub that could not be decoded",
      "unknown event mystery on the device topic; ignored",
    ]);
    expect(d.logger.find("identify requested")).toHaveLength(1);
    expect(d.link.state()).toMatchObject({ status: "joined", attempts: 0 });
    expect(s.peers).toHaveLength(1);
  });
});

describe("wsTransport: closing", () => {
  it("closes after one unanswered heartbeat and says so", async () => {
    const s = await rawServer({ heartbeats: false });
    const conn: Connection = await connect(s.url(), { heartbeatIntervalMs: 100 });
    const closes: CloseInfo[] = [];
    conn.onClose((i) => closes.push(i));
    const started = Date.now();
    await until(() => closes.length === 1);
    expect(closes).toEqual([{ kind: "heartbeat", reason: "heartbeat timeout" }]);
    expect(Date.now() - started).toBeLessThan(1000);
    const peer = await s.peer();
    expect(peer.received.filter((f) => f.event === "heartbeat")).toHaveLength(1);
  });

  it("puts the exact Phoenix v2 JSON frames on the wire and tolerates a reply to a push", async () => {
    const s = await rawServer({ heartbeats: false, joinReply: () => ({ status: "ok", response: {} }) });
    const conn = await connect(s.url(), { heartbeatIntervalMs: 200 });
    const rec = recorder();
    const channel = conn.join("device", { device_api_version: "2.3.0" }, rec.handlers);
    await channel.joined;
    expect(channel.push("rebooting", {})).toBe(true);
    const peer = await s.peer();
    const pushed = await peer.frame((f) => f.event === "rebooting");
    await peer.frame((f) => f.event === "heartbeat", 3_000);
    const texts = peer.rawFrames.map((f) => f.data.toString("utf8"));
    // device-client.md §1.2: [join_ref, ref, topic, event, payload] with decimal-string refs.
    expect(texts[0]).toMatch(/^\["(\d+)","\1","device","phx_join",\{"device_api_version":"2\.3\.0"\}\]$/);
    expect(texts).toContainEqual(expect.stringMatching(/^\["\d+","\d+","device","rebooting",\{\}\]$/));
    expect(texts).toContainEqual(expect.stringMatching(/^\[null,"\d+","phoenix","heartbeat",\{\}\]$/));
    // A hub that does answer a push must not disturb the channel.
    peer.send(replyFrame(pushed, "ok", {}));
    peer.send({ joinRef: pushed.joinRef, ref: null, topic: "device", event: "identify", payload: {} });
    await until(() => rec.messages.length === 1);
    expect(rec.messages.map((m) => m.event)).toEqual(["identify"]);
    expect(channel.push("rebooting", {})).toBe(true);
  });

  it("hands the hub's reply to a push to that push's listener, once", async () => {
    const s = await rawServer({ joinReply: () => ({ status: "ok", response: [] }) });
    const conn = await connect(s.url());
    const rec = recorder();
    const channel = conn.join("extensions", { geo: "0.0.1" }, rec.handlers);
    await channel.joined;
    const replies: unknown[] = [];
    expect(channel.push("geo:attached", {}, (r) => replies.push(r))).toBe(true);
    const peer = await s.peer();
    const pushed = await peer.frame((f) => f.event === "geo:attached");
    peer.send({ ...replyFrame(pushed, "error", "detach"), topic: "device" });
    peer.send(replyFrame(pushed, "error", "detach"));
    peer.send(replyFrame(pushed, "error", "detach"));
    peer.send({
      joinRef: pushed.joinRef,
      ref: null,
      topic: "extensions",
      event: "geo:location:request",
      payload: {},
    });
    await until(() => rec.messages.length === 1);
    expect(replies).toEqual([{ status: "error", response: "detach" }]);
  });

  it("times every heartbeat from send to the hub's reply", async () => {
    const s = await rawServer({ heartbeats: false });
    const conn = await connect(s.url(), { heartbeatIntervalMs: 1_000 });
    const rtts: number[] = [];
    conn.onHeartbeat?.((rttMs) => rtts.push(rttMs));
    const peer = await s.peer();
    const heartbeat = await peer.frame((f) => f.topic === "phoenix" && f.event === "heartbeat", 3_000);
    await new Promise((r) => setTimeout(r, 150));
    peer.send(replyFrame(heartbeat, "ok", {}));
    await until(() => rtts.length === 1);
    expect(rtts[0]).toBeGreaterThanOrEqual(145);
    expect(rtts[0]).toBeLessThan(1_000);
  });

  it("keeps a connection whose heartbeats are answered", async () => {
    const s = await rawServer();
    const conn = await connect(s.url(), { heartbeatIntervalMs: 50 });
    const closes: CloseInfo[] = [];
    conn.onClose((i) => closes.push(i));
    const peer = await s.peer();
    await until(() => peer.received.filter((f) => f.event === "heartbeat").length >= 4);
    expect(closes).toEqual([]);
  });

  it("reports a server close with its code, and a local close to nobody", async () => {
    const s = await rawServer();
    const conn = await connect(s.url());
    const closes: CloseInfo[] = [];
    conn.onClose((i) => closes.push(i));
    (await s.peer()).ws.close(1012, "service restart");
    await until(() => closes.length === 1);
    expect(closes[0]).toEqual({ kind: "remote", code: 1012, reason: "service restart" });

    const second = await connect(s.url());
    const secondCloses: CloseInfo[] = [];
    second.onClose((i) => secondCloses.push(i));
    second.close();
    const peer = await s.peer(1);
    await until(() => peer.closed !== undefined);
    expect(peer.closed).toEqual({ code: 1000 });
    expect(secondCloses).toEqual([]);
  });
});

describe("wsTransport: one class for every connection", () => {
  it("phoenix builds every connection's websocket from the same class", async () => {
    const s = await rawServer();
    const transport = wsTransport({ env: {} });
    const a = await transport.connect(request(s.url()));
    const b = await transport.connect(request(s.url(), { serializer: "msgpack" }));
    cleanups.push(
      () => a.close(),
      () => b.close(),
    );
    const websocketClass = (c: Connection) =>
      (c as unknown as { socket: { transport: unknown } }).socket.transport;
    expect(websocketClass(a)).toBe(websocketClass(b));
  });
});

describe("wsTransport: classified connect failures", () => {
  it("a refused upgrade carries status, date, location and the hub's reason", async () => {
    const s = await rawServer({
      refuse: (req): { status: number; headers: Record<string, string> } =>
        req.url?.startsWith("/moved")
          ? { status: 301, headers: { location: "https://elsewhere.test/socket/websocket" } }
          : {
              status: 401,
              headers: {
                date: "Sun, 06 Nov 1994 08:49:37 GMT",
                "nh-connection-error-reason": "no credentials",
              },
            },
    });
    const refused = await connectError(s.url());
    expect(refused).toMatchObject({
      kind: "http",
      details: { status: 401, date: "Sun, 06 Nov 1994 08:49:37 GMT", reason: "no credentials" },
    });
    expect(refused.message).toBe("the hub refused the device's credentials (HTTP 401): no credentials");
    const moved = await connectError(s.url("/moved/websocket"));
    expect(moved.details).toMatchObject({ status: 301, location: "https://elsewhere.test/socket/websocket" });
  });

  it("a closed port is a tcp failure", async () => {
    const s = await rawServer();
    const url = s.url();
    await s.close();
    cleanups.pop();
    expect(await connectError(url)).toMatchObject({ kind: "tcp", details: { code: "ECONNREFUSED" } });
  });

  it("an unresolvable host is a dns failure", async () => {
    const e = await connectError("ws://no-such-hub.invalid:4000/socket/websocket?vsn=2.0.0");
    expect(e.kind).toBe("dns");
  });

  it("an untrusted server certificate is a tls failure naming the CA problem", async () => {
    const other = await createCa({ commonName: "unrelated CA" });
    const s = await rawServer({ tls: { cert: server.certPem, key: server.keyPem } });
    const e = await connectError(s.url(), { tls: { ca: [other.certPem] } });
    expect(e.kind).toBe("tls");
    expect(e.message).toContain("not signed by a trusted CA");
  });

  it("a server that demands a client certificate names the problem", async () => {
    const s = await rawServer({
      tls: {
        cert: server.certPem,
        key: server.keyPem,
        ca: ca.certPem,
        requestCert: true,
        rejectUnauthorized: true,
      },
    });
    const e = await connectError(s.url(), { tls: { ca: [ca.certPem] } });
    expect(e.kind).toBe("tls");
    expect(e.message).toContain("requires a client certificate");
  });

  it("a key that does not match the certificate is a tls failure, not a crash", async () => {
    const s = await rawServer({ tls: { cert: server.certPem, key: server.keyPem } });
    const e = await connectError(s.url(), {
      tls: { cert: device.certPem, key: server.keyPem, ca: [ca.certPem] },
    });
    expect(e.kind).toBe("tls");
    expect(e.message).toContain("private key does not match");
  });

  it("a handshake that never finishes times out", async () => {
    const held = new Set<Socket>();
    const silent = createServer((socket) => held.add(socket));
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", () => r()));
    cleanups.push(
      () =>
        new Promise((r) => {
          for (const socket of held) socket.destroy();
          silent.close(r);
        }),
    );
    const port = (silent.address() as { port: number }).port;
    const e = await connectError(`ws://127.0.0.1:${port}/socket/websocket`, { connectTimeoutMs: 200 });
    expect(e.kind).toBe("timeout");
  });
});

describe("wsTransport: HTTP(S) proxy", () => {
  it("tunnels wss through CONNECT with TLS end to end", async () => {
    const s = await rawServer({
      tls: { cert: server.certPem, key: server.keyPem, ca: ca.certPem, requestCert: true },
    });
    const proxy = await startConnectProxy({
      requireAuth: `Basic ${Buffer.from("dev:pw").toString("base64")}`,
    });
    cleanups.push(() => proxy.close());
    const proxyUrl = `http://dev:pw@127.0.0.1:${proxy.port}`;
    const conn = await connect(s.url("/socket/websocket?vsn=2.0.0", "localhost"), {
      proxy: proxyUrl,
      tls: { cert: device.certPem, key: device.keyPem, ca: [ca.certPem] },
    });
    await conn.join("device", {}, recorder().handlers).joined;
    expect(proxy.requests.map((r) => r.target)).toEqual([`localhost:${s.port}`]);
    expect(peerCertificateCn(await s.peer())).toBe("transport-device");
    expect(s.serverNames).toEqual(["localhost"]);
  });

  it("uses HTTPS_PROXY from the environment unless NO_PROXY matches", async () => {
    const s = await rawServer({ tls: { cert: server.certPem, key: server.keyPem } });
    const proxy = await startConnectProxy();
    cleanups.push(() => proxy.close());
    const env = { HTTPS_PROXY: proxy.url, NO_PROXY: "example.org" };
    const conn = await wsTransport({ env }).connect(request(s.url(), { tls: { ca: [ca.certPem] } }));
    conn.close();
    expect(proxy.requests).toHaveLength(1);
    const bypass = await wsTransport({ env: { ...env, NO_PROXY: "127.0.0.1" } }).connect(
      request(s.url(), { tls: { ca: [ca.certPem] } }),
    );
    bypass.close();
    expect(proxy.requests).toHaveLength(1);
  });

  it("a proxy that refuses the tunnel is a proxy failure", async () => {
    const proxy = await startConnectProxy({ requireAuth: "Basic nope" });
    cleanups.push(() => proxy.close());
    const e = await connectError("wss://127.0.0.1:1/socket/websocket", { proxy: proxy.url });
    expect(e).toMatchObject({ kind: "proxy" });
    expect(e.message).toBe("the proxy refused CONNECT with HTTP 407");
  });
});
