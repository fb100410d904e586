import { getEventListeners, once } from "node:events";
import { type AddressInfo, createServer, connect as netConnect, type Server, Socket } from "node:net";
import { createServer as createTlsServer, connect as tlsConnect } from "node:tls";
import { createCa, createServerCert } from "@nerves-hub-ts/dev-pki";
import { firmwareBytes } from "@nerves-hub-ts/hub/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import { BODY_QUEUE_BYTES, type Http1GetOptions, type Http1Response, http1Get } from "./client.js";
import { HttpParseError } from "./response-parser.js";

const MiB = 1024 * 1024;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Turns handed from one side of a test to the other, counted so none is lost. */
class Turns {
  #given = 0;
  #waiter: (() => void) | undefined;
  give(): void {
    this.#given += 1;
    this.#waiter?.();
    this.#waiter = undefined;
  }
  async take(): Promise<void> {
    while (this.#given === 0)
      await new Promise<void>((r) => {
        this.#waiter = r;
      });
    this.#given -= 1;
  }
}

interface Exchange {
  socket: Socket;
  /** The request head as received, up to and including the blank line. */
  request: Promise<string>;
}

interface TestServer {
  port: number;
  /** Every connection accepted, in order. */
  exchanges: Exchange[];
  /** Resolves with the next connection (or one already accepted and not yet taken). */
  next(): Promise<Exchange>;
  close(): Promise<void>;
}

const servers: Server[] = [];
const accepted: Socket[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const socket of accepted.splice(0)) socket.destroy();
  for (const s of servers.splice(0)) await new Promise<void>((r) => s.close(() => r()));
});

function readRequest(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = "";
    const onData = (b: Buffer) => {
      got += b.toString("latin1");
      const end = got.indexOf("\r\n\r\n");
      if (end !== -1) {
        socket.off("data", onData);
        resolve(got.slice(0, end + 4));
      }
    };
    socket.on("data", onData);
    socket.on("error", () => {});
    socket.on("close", () => reject(new Error(`closed after ${JSON.stringify(got)}`)));
  });
}

/** A raw TCP (or TLS) server on 127.0.0.1: `respond` writes whatever bytes the test wants. */
async function startServer(
  respond: (socket: Socket, request: string) => unknown = () => {},
  tls?: { cert: string; key: string },
): Promise<TestServer> {
  const exchanges: Exchange[] = [];
  const waiting: ((e: Exchange) => void)[] = [];
  let taken = 0;
  const onSocket = (socket: Socket) => {
    accepted.push(socket);
    const request = readRequest(socket);
    request.catch(() => {});
    const exchange = { socket, request };
    exchanges.push(exchange);
    void request.then((r) => respond(socket, r)).catch(() => {});
    const w = waiting.shift();
    if (w) {
      taken += 1;
      w(exchange);
    }
  };
  const server = tls ? createTlsServer(tls, onSocket) : createServer(onSocket);
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    port: (server.address() as AddressInfo).port,
    exchanges,
    next: () => {
      const ready = exchanges[taken];
      if (ready) {
        taken += 1;
        return Promise.resolve(ready);
      }
      return new Promise((r) => waiting.push(r));
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}

function get(port: number, more: Partial<Http1GetOptions> = {}): Promise<Http1Response> {
  return http1Get({
    host: "127.0.0.1",
    port,
    target: "/fw",
    authority: `127.0.0.1:${port}`,
    headers: {},
    ...more,
  });
}

/** The body's chunks exactly as yielded: the same Uint8Array objects, not copies. */
async function views(res: Http1Response): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const c of res.body()) out.push(c);
  return out;
}

async function bodyOf(res: Http1Response): Promise<Buffer> {
  return Buffer.concat(await views(res));
}

/** The error the body ends with, and the bytes before it. */
async function bodyError(res: Http1Response): Promise<{ error: unknown; bytes: Buffer }> {
  const chunks: Uint8Array[] = [];
  try {
    for await (const c of res.body()) chunks.push(c.slice());
  } catch (error) {
    return { error, bytes: Buffer.concat(chunks) };
  }
  throw new Error(`body ended without an error after ${Buffer.concat(chunks).length} bytes`);
}

/** Writes `bytes` in pieces of the given sizes, letting each leave before the next. */
async function writeInPieces(socket: Socket, bytes: Uint8Array, sizes: number[]): Promise<void> {
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const n = sizes[i % sizes.length] as number;
    await new Promise<void>((r, j) => socket.write(bytes.subarray(at, at + n), (e) => (e ? j(e) : r())));
    at += n;
  }
}

function chunkedWire(body: Uint8Array, sizes: number[]): Buffer {
  const parts: Uint8Array[] = [];
  let at = 0;
  for (let i = 0; at < body.length; i++) {
    const n = Math.min(sizes[i % sizes.length] as number, body.length - at);
    parts.push(Buffer.from(`${n.toString(16)}${i % 3 === 0 ? ";ext=1" : ""}\r\n`), body.subarray(at, at + n));
    parts.push(Buffer.from("\r\n"));
    at += n;
  }
  parts.push(Buffer.from("0\r\nx-trailer: 1\r\n\r\n"));
  return Buffer.concat(parts);
}

/** Polls until `ready` holds (or `maxMs` passes). */
async function waitFor(ready: () => boolean, maxMs = 3000): Promise<void> {
  const start = Date.now();
  while (!ready() && Date.now() - start < maxMs) await sleep(5);
}

/** Polls `read` until it stops changing for `quietMs` (or `maxMs` passes); returns the last value. */
async function settle(read: () => number, quietMs = 60, maxMs = 3000): Promise<number> {
  const start = Date.now();
  let last = read();
  let since = Date.now();
  while (Date.now() - start < maxMs) {
    await sleep(10);
    const v = read();
    if (v !== last) {
      last = v;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) break;
  }
  return last;
}

describe("http1Get over TCP", () => {
  it("receives a 5 MiB Content-Length body intact, as views never overwritten by later reads", async () => {
    const body = firmwareBytes(5 * MiB + 3, 11);
    const s = await startServer(async (socket) => {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\nX-Test: a\r\n\r\n`);
      // Odd sizes, each flushed before the next, so the client reads many times into its slabs.
      await writeInPieces(socket, body, [1, 70_000, 333_333, 4096, 1_000_001]);
    });
    const res = await get(s.port);
    expect(res.status).toBe(200);
    expect(res.headers).toEqual({ "content-length": String(body.length), "x-test": "a" });
    expect(res.localAddress).toBe("127.0.0.1");
    const chunks = await views(res);
    expect(chunks.length).toBeGreaterThan(5);
    // Only now, after every read, look at the views handed out along the way.
    expect(Buffer.compare(Buffer.concat(chunks), body)).toBe(0);
  });

  it("keeps earlier views intact while the consumer holds them across many separate reads", async () => {
    // The server sends the next piece only once the client waits for it, so each piece is its own
    // read (or more) landing in the slab after the last; none may overwrite a view handed out.
    const body = firmwareBytes(2 * MiB + 5, 12);
    const sizes = [997, 40_007, 150_000, 1];
    const turns = new Turns();
    let pieces = 0;
    const s = await startServer(async (socket) => {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`);
      for (let at = 0, i = 0; at < body.length; i++) {
        await turns.take();
        const n = sizes[i % sizes.length] as number;
        socket.write(body.subarray(at, at + n));
        at += n;
        pieces += 1;
      }
    });
    const res = await get(s.port);
    const held: Uint8Array[] = [];
    let at = 0;
    for await (const c of res.body((waiting) => waiting && turns.give())) {
      // Each view is right when it comes...
      expect(Buffer.compare(c, body.subarray(at, at + c.length))).toBe(0);
      at += c.length;
      held.push(c);
    }
    expect(pieces).toBeGreaterThan(30);
    expect(held.length).toBeGreaterThanOrEqual(pieces);
    // ...and still right after all the reads that came later.
    expect(Buffer.compare(Buffer.concat(held), body)).toBe(0);
  });

  it("sends exactly the request line and headers given, with connection: close", async () => {
    const s = await startServer((socket) => socket.end("HTTP/1.1 204 No Content\r\n\r\n"));
    const res = await get(s.port, {
      target: "/firmware/abc?sig=x%20y",
      authority: "hub.example:4001",
      headers: { range: "bytes=10-", "x-Custom": "v 1" },
    });
    expect(res.status).toBe(204);
    expect(await bodyOf(res)).toHaveLength(0);
    const exchange = await s.next();
    expect(await exchange.request).toBe(
      "GET /firmware/abc?sig=x%20y HTTP/1.1\r\nhost: hub.example:4001\r\nrange: bytes=10-\r\n" +
        "x-Custom: v 1\r\nconnection: close\r\n\r\n",
    );
  });

  it("sends an absolute-form target for a proxy as given", async () => {
    const s = await startServer((socket) => socket.end("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
    const res = await get(s.port, { target: "http://hub.example/fw", authority: "hub.example" });
    expect((await bodyOf(res)).toString()).toBe("ok");
    expect(await (await s.next()).request).toBe(
      "GET http://hub.example/fw HTTP/1.1\r\nhost: hub.example\r\nconnection: close\r\n\r\n",
    );
  });

  it("receives a chunked body", async () => {
    const body = firmwareBytes(700_000, 13);
    const wire = chunkedWire(body, [1, 65_536, 5000, 300_000, 17]);
    const s = await startServer(async (socket) => {
      socket.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
      await writeInPieces(socket, wire, [3, 100_000, 7, 65_536]);
      // The connection stays open: the end of the body is the last chunk, not the close.
    });
    const res = await get(s.port);
    expect(res.headers["transfer-encoding"]).toBe("chunked");
    const chunks = await views(res);
    expect(Buffer.compare(Buffer.concat(chunks), body)).toBe(0);
  });

  it("receives a body that runs until the server closes", async () => {
    const body = firmwareBytes(1_500_000, 14);
    const s = await startServer(async (socket) => {
      socket.write("HTTP/1.0 200 OK\r\nServer: old\r\n\r\n");
      await writeInPieces(socket, body, [50_000, 123_457]);
      socket.end();
    });
    const res = await get(s.port);
    expect(Buffer.compare(await bodyOf(res), body)).toBe(0);
  });

  it("skips a 100 Continue and gives an empty body for Content-Length: 0", async () => {
    const s = await startServer((socket) =>
      socket.write("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
    );
    const res = await get(s.port);
    expect(res.status).toBe(200);
    expect(await bodyOf(res)).toHaveLength(0);
  });

  it("ends the body at its Content-Length and ignores what follows", async () => {
    const s = await startServer((socket) =>
      socket.write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloHTTP/1.1 200 OK\r\n\r\nextra"),
    );
    const res = await get(s.port);
    expect((await bodyOf(res)).toString()).toBe("hello");
  });

  it("closes the connection once the body has been read", async () => {
    const s = await startServer((socket) => socket.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
    const res = await get(s.port);
    const { socket } = await s.next();
    const closed = once(socket, "close");
    expect((await bodyOf(res)).toString()).toBe("ok");
    await closed;
  });

  it("closes the connection when the consumer stops reading early", async () => {
    const s = await startServer((socket) => {
      socket.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
      socket.write(Buffer.alloc(10));
    });
    const res = await get(s.port);
    const { socket } = await s.next();
    const closed = once(socket, "close");
    for await (const c of res.body()) {
      expect(c.length).toBeGreaterThan(0);
      break;
    }
    await closed;
  });

  it("makes the body throw when the server closes mid-body", async () => {
    const s = await startServer((socket) => {
      socket.write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n");
      socket.end(firmwareBytes(40_000, 15));
    });
    const res = await get(s.port);
    const { error, bytes } = await bodyError(res);
    expect(error).toBeInstanceOf(HttpParseError);
    expect((error as Error).message).toBe("connection closed before the body ended");
    expect(Buffer.compare(bytes, firmwareBytes(40_000, 15))).toBe(0);
  });

  it("makes the body throw when the server closes mid-chunk", async () => {
    const s = await startServer((socket) => {
      socket.end("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabc");
    });
    const res = await get(s.port);
    const { error, bytes } = await bodyError(res);
    expect(error).toBeInstanceOf(HttpParseError);
    expect(bytes.toString()).toBe("abc");
  });

  it("makes the body throw when the server resets the connection mid-body", async () => {
    const s = await startServer((socket) => {
      socket.write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\nabc", () => {
        setTimeout(() => socket.resetAndDestroy(), 20);
      });
    });
    const res = await get(s.port);
    const { error } = await bodyError(res);
    expect(error).toBeInstanceOf(Error);
    expect(["ECONNRESET", undefined]).toContain((error as NodeJS.ErrnoException).code);
  });

  it("makes the body throw a parse error on a broken chunk", async () => {
    const s = await startServer((socket) => {
      socket.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nzz\r\n");
    });
    const res = await get(s.port);
    const { error, bytes } = await bodyError(res);
    expect(error).toBeInstanceOf(HttpParseError);
    expect((error as Error).message).toBe('bad chunk size "zz"');
    expect(bytes.toString()).toBe("abc");
  });

  it("rejects a response that is not HTTP", async () => {
    const s = await startServer((socket) => socket.write("SSH-2.0-OpenSSH_9.6\r\n\r\n"));
    await expect(get(s.port)).rejects.toThrow(HttpParseError);
  });

  it("gives up on a server that never answers after headTimeoutMs, and closes the connection", async () => {
    const s = await startServer(); // reads the request, answers nothing
    const started = Date.now();
    await expect(get(s.port, { headTimeoutMs: 80 })).rejects.toThrow("no response within 80 ms");
    expect(Date.now() - started).toBeGreaterThanOrEqual(70);
    const { socket } = await s.next();
    if (!socket.closed) await once(socket, "close");
  });

  it("rejects when the server closes before the response head", async () => {
    const s = await startServer((socket) => socket.end("HTTP/1.1 200 OK\r\nContent-"));
    await expect(get(s.port)).rejects.toThrow(
      new HttpParseError("connection closed before the response head"),
    );
  });

  it("rejects when the connection is refused", async () => {
    const s = await startServer();
    const port = s.port;
    await s.close();
    servers.pop();
    const e = await get(port).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(Error);
    expect((e as NodeJS.ErrnoException).code).toBe("ECONNREFUSED");
  });

  it("rejects a header value or name with CR or LF before connecting or sending anything", async () => {
    const s = await startServer();
    const invalid: Record<string, string>[] = [
      { x: "a\r\nevil: 1" },
      { x: "a\nb" },
      { x: "a\rb" },
      { "x\r\nevil": "1" },
      { "a:b": "1" },
    ];
    for (const headers of invalid) {
      await expect(get(s.port, { headers }), JSON.stringify(headers)).rejects.toThrow(TypeError);
    }
    await sleep(50);
    expect(s.exchanges).toHaveLength(0);
  });

  it("rejects with the reason when the signal is already aborted, without connecting", async () => {
    const s = await startServer();
    const reason = new Error("cancelled");
    await expect(get(s.port, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    await sleep(50);
    expect(s.exchanges).toHaveLength(0);
  });

  it("removes its abort listener once the response is done with", async () => {
    const s = await startServer((socket) => socket.end("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
    const signal = new AbortController().signal;
    const res = await get(s.port, { signal });
    expect(getEventListeners(signal, "abort")).toHaveLength(1);
    expect((await bodyOf(res)).toString()).toBe("ok");
    expect(getEventListeners(signal, "abort")).toHaveLength(0);
  });

  // A downloader retries under one long-lived signal: a failed attempt must not leave a listener.
  it("removes its abort listener when the request fails before the head", async () => {
    const s = await startServer((socket) => socket.end("HTTP/1.1 200 OK\r\n"));
    const signal = new AbortController().signal;
    await expect(get(s.port, { signal })).rejects.toThrow(HttpParseError);
    expect(getEventListeners(signal, "abort")).toHaveLength(0);
  });

  it("rejects with the reason when aborted while waiting for the head, and closes the connection", async () => {
    const s = await startServer(); // never answers
    const controller = new AbortController();
    const pending = get(s.port, { signal: controller.signal });
    const { socket, request } = await s.next();
    await request;
    const closed = once(socket, "close");
    const reason = new Error("stop");
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await closed;
  });

  it("stops the body with the reason when aborted mid-body, and closes the connection", async () => {
    const s = await startServer((socket) =>
      socket.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nabc"),
    );
    const controller = new AbortController();
    const res = await get(s.port, { signal: controller.signal });
    const { socket } = await s.next();
    const closed = once(socket, "close");
    const reason = new Error("user cancelled");
    const got: string[] = [];
    const waits: boolean[] = [];
    const run = (async () => {
      for await (const c of res.body((w) => {
        waits.push(w);
        // Abort once everything sent so far has been read and the body waits for more.
        if (w && got.join("") === "abc") setTimeout(() => controller.abort(reason), 0);
      }))
        got.push(Buffer.from(c).toString());
    })();
    await expect(run).rejects.toBe(reason);
    expect(got.join("")).toBe("abc");
    expect(waits[0]).toBe(true);
    await closed;
  });

  it("makes a pending body read throw the error given to destroy()", async () => {
    const s = await startServer((socket) =>
      socket.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789"),
    );
    const res = await get(s.port);
    const { socket } = await s.next();
    const closed = once(socket, "close");
    let onWaiting!: () => void;
    const waited = new Promise<void>((r) => {
      onWaiting = r;
    });
    const it = res.body((waiting) => {
      if (waiting) onWaiting();
    });
    const first = await it.next();
    expect(Buffer.from(first.value as Uint8Array).toString()).toBe("0123456789");
    const pending = it.next();
    await waited; // the read is now waiting for the network
    const error = new Error("idle too long");
    res.destroy(error);
    await expect(pending).rejects.toBe(error);
    await closed;
    expect(await it.next()).toEqual({ done: true, value: undefined });
  });

  it("makes the read throw when destroy(error) is called from inside onWait(true)", async () => {
    const s = await startServer((socket) => socket.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"));
    const res = await get(s.port);
    const error = new Error("deadline passed");
    const run = (async () => {
      for await (const _ of res.body((waiting) => waiting && res.destroy(error))) {
        // nothing comes
      }
    })();
    const outcome = await Promise.race([
      run.then(
        () => "ended",
        (e: unknown) => e,
      ),
      sleep(200).then(() => "hung"),
    ]);
    expect(outcome).toBe(error);
  });

  it("drops what is queued when destroyed with an error: the next read throws it", async () => {
    const s = await startServer((socket) =>
      socket.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nqueued bytes"),
    );
    const res = await get(s.port);
    await sleep(50); // the first bytes arrive and wait in the queue
    const error = new Error("update stopped");
    res.destroy(error);
    await expect(res.body().next()).rejects.toBe(error);
  });

  it("reports waiting and not waiting around each wait for the network", async () => {
    const s = await startServer(async (socket) => {
      socket.write("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n");
      await sleep(20);
      socket.write("abc");
      await sleep(20);
      socket.write("def");
    });
    const res = await get(s.port);
    const events: string[] = [];
    for await (const c of res.body((w) => events.push(w ? "wait" : "woke")))
      events.push(Buffer.from(c).toString());
    expect(events.join(" ")).toMatch(/^(wait woke )?abc wait woke def$/);
  });

  it("stops reading while the consumer is behind, so the server's writes stall, and resumes", async () => {
    const TOTAL = 64 * MiB;
    const block = firmwareBytes(MiB, 16);
    let sent = 0;
    let finished = false;
    const s = await startServer(async (socket) => {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${TOTAL}\r\n\r\n`);
      // One block at a time: `sent` counts what the kernel took, so the client's reads gate it.
      while (sent < TOTAL && !socket.destroyed) {
        await new Promise<void>((r) => socket.write(block, () => r()));
        sent += block.length;
      }
      finished = sent >= TOTAL;
    });
    const connect = vi.spyOn(Socket.prototype, "connect");
    const res = await get(s.port);
    const client = connect.mock.contexts[0] as Socket;
    expect(client).toBeInstanceOf(Socket);

    // Nobody reads the body: the client stops at its queue limit, then the kernel buffers fill.
    const head = `HTTP/1.1 200 OK\r\nContent-Length: ${TOTAL}\r\n\r\n`.length;
    await waitFor(() => client.bytesRead >= head + BODY_QUEUE_BYTES);
    const read = await settle(() => client.bytesRead);
    await settle(() => sent);
    expect(finished).toBe(false);
    expect(sent).toBeLessThan(TOTAL);
    expect(read).toBeGreaterThanOrEqual(head + BODY_QUEUE_BYTES);
    // Below the limit before its last read, and a read is at most a slab (1 MiB at most).
    expect(read).toBeLessThan(head + BODY_QUEUE_BYTES + MiB);
    await sleep(50);
    expect(client.bytesRead).toBe(read);

    // Reading again resumes the socket and the whole body arrives intact.
    let at = 0;
    for await (const c of res.body()) {
      const off = at % MiB;
      if (off + c.length <= MiB) expect(Buffer.compare(c, block.subarray(off, off + c.length))).toBe(0);
      else
        expect(Buffer.compare(c, Buffer.concat([block.subarray(off), block]).subarray(0, c.length))).toBe(0);
      at += c.length;
    }
    expect(at).toBe(TOTAL);
    expect(finished).toBe(true);
  });
});

describe("http1Get with a connection supplied by `connect`", () => {
  it("sends the request on the given socket and reads the body through 'data' events", async () => {
    const body = firmwareBytes(3 * MiB + 1, 17);
    const s = await startServer(async (socket) => {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`);
      await writeInPieces(socket, body, [100_000, 7, 777_777]);
    });
    const socket = netConnect({ host: "127.0.0.1", port: s.port });
    await once(socket, "connect");
    const res = await http1Get({
      host: "ignored.invalid",
      port: 1,
      connect: async () => socket,
      target: "/tunnelled",
      authority: "hub.example",
      headers: { range: "bytes=0-" },
    });
    expect(res.status).toBe(200);
    expect(res.localAddress).toBe("127.0.0.1");
    const chunks = await views(res);
    expect(Buffer.compare(Buffer.concat(chunks), body)).toBe(0);
    expect(await (await s.next()).request).toBe(
      "GET /tunnelled HTTP/1.1\r\nhost: hub.example\r\nrange: bytes=0-\r\nconnection: close\r\n\r\n",
    );
    expect(socket.destroyed).toBe(true);
  });

  it("rejects with the error of a failed connect()", async () => {
    const error = new Error("proxy said 407");
    await expect(
      http1Get({
        host: "x",
        port: 1,
        connect: () => Promise.reject(error),
        target: "/",
        authority: "x",
        headers: {},
      }),
    ).rejects.toBe(error);
  });

  it("destroys a socket that connects after the signal was aborted", async () => {
    const s = await startServer();
    const socket = netConnect({ host: "127.0.0.1", port: s.port });
    await once(socket, "connect");
    const controller = new AbortController();
    let hand!: (x: Socket) => void;
    const pending = http1Get({
      host: "x",
      port: 1,
      connect: () => new Promise<Socket>((r) => (hand = r)),
      target: "/",
      authority: "x",
      headers: {},
      signal: controller.signal,
    });
    const reason = new Error("gone");
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    hand(socket);
    await sleep(20);
    expect(socket.destroyed).toBe(true);
  });

  it("pauses the given socket while the consumer is behind, and resumes", async () => {
    const TOTAL = 32 * MiB;
    const block = firmwareBytes(MiB, 18);
    let sent = 0;
    const s = await startServer(async (socket) => {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${TOTAL}\r\n\r\n`);
      while (sent < TOTAL && !socket.destroyed) {
        await new Promise<void>((r) => socket.write(block, () => r()));
        sent += block.length;
      }
    });
    const socket = netConnect({ host: "127.0.0.1", port: s.port });
    await once(socket, "connect");
    const res = await http1Get({
      host: "x",
      port: 1,
      connect: async () => socket,
      target: "/",
      authority: "x",
      headers: {},
    });
    const head = `HTTP/1.1 200 OK\r\nContent-Length: ${TOTAL}\r\n\r\n`.length;
    await waitFor(() => socket.bytesRead >= head + BODY_QUEUE_BYTES);
    const read = await settle(() => socket.bytesRead);
    await settle(() => sent);
    expect(sent).toBeLessThan(TOTAL);
    expect(read).toBeGreaterThanOrEqual(BODY_QUEUE_BYTES);
    expect(read).toBeLessThanOrEqual(BODY_QUEUE_BYTES + MiB);
    let at = 0;
    for await (const c of res.body()) {
      const off = at % MiB;
      expect(c[0]).toBe(block[off]);
      at += c.length;
    }
    expect(at).toBe(TOTAL);
  });
});

describe("http1Get over TLS", () => {
  it("reads a Content-Length body from a TLS server trusted through `tls.ca`, directly and via `connect`", async () => {
    const ca = await createCa({ commonName: "test ca" });
    const cert = await createServerCert(ca, { commonName: "localhost" });
    const body = firmwareBytes(2 * MiB + 5, 19);
    const s = await startServer(
      async (socket) => {
        socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`);
        await writeInPieces(socket, body, [300_000, 1, 65_536]);
      },
      { cert: cert.certPem, key: cert.keyPem },
    );
    for (const host of ["127.0.0.1", "localhost"]) {
      const res = await get(s.port, { host, tls: { ca: ca.certPem } });
      expect(res.status).toBe(200);
      const chunks = await views(res);
      expect(Buffer.compare(Buffer.concat(chunks), body), host).toBe(0);
    }
    // TLS opened by the caller (as through a proxy tunnel), read through 'data' events.
    const tunnel = tlsConnect({ host: "127.0.0.1", port: s.port, ca: ca.certPem, servername: "localhost" });
    await once(tunnel, "secureConnect");
    const res = await http1Get({
      host: "x",
      port: 1,
      connect: async () => tunnel,
      target: "/fw",
      authority: "localhost",
      headers: {},
    });
    expect(Buffer.compare(Buffer.concat(await views(res)), body)).toBe(0);
    expect(s.exchanges).toHaveLength(3);
    expect(await s.exchanges[2]?.request).toBe(
      "GET /fw HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n",
    );
  });

  it("hands what arrived while the consumer was busy as one view, not one per TLS record", async () => {
    const ca = await createCa({ commonName: "test ca" });
    const cert = await createServerCert(ca, { commonName: "localhost" });
    const body = firmwareBytes(4 * MiB, 23);
    const s = await startServer(
      (socket) =>
        socket.write(
          Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`), body]),
        ),
      { cert: cert.certPem, key: cert.keyPem },
    );
    const res = await get(s.port, { host: "localhost", tls: { ca: ca.certPem } });
    const chunks: Uint8Array[] = [];
    for await (const c of res.body()) {
      chunks.push(c);
      // A consumer busy with the first chunk (writing it to a file, say) while records keep coming.
      if (chunks.length === 1) await sleep(100);
    }
    expect(Buffer.compare(Buffer.concat(chunks), body)).toBe(0);
    const TLS_RECORD = 16 * 1024;
    // What queued up during the pause comes as views of up to a whole slab, not a record each.
    expect(Math.max(...chunks.map((c) => c.length))).toBeGreaterThan(4 * TLS_RECORD);
    // A 4 MiB body is 256 records; a consumer that keeps up still gets them a read-loop turn at a time.
    expect(chunks.length).toBeLessThan(body.length / TLS_RECORD / 4);
  });

  it("rejects a server its CA does not trust", async () => {
    const ca = await createCa({ commonName: "test ca" });
    const other = await createCa({ commonName: "other ca" });
    const cert = await createServerCert(ca, { commonName: "localhost" });
    const s = await startServer((socket) => socket.write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"), {
      cert: cert.certPem,
      key: cert.keyPem,
    });
    const e = await get(s.port, { tls: { ca: other.certPem } }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(Error);
    expect((e as NodeJS.ErrnoException).code).toMatch(/CERT|SELF_SIGNED|UNABLE/);
  });
});
