// One HTTP/1.1 GET on its own connection, read the way a firmware download wants it: the socket
// reads straight into large buffers we hand it (net's `onread`), and body bytes reach the consumer
// as views of those buffers. Compared with node:http this moves the same bytes with far fewer,
// larger reads, no per-read allocation and no stream machinery per chunk: in bench/update the
// device's CPU per GiB (SHA-256 included) fell from about 1.4 s to 0.95 s.
import { isIP, connect as netConnect, type OnReadOpts, type Socket } from "node:net";
import { type ConnectionOptions, connect as tlsConnect } from "node:tls";
import { type ResponseHead, ResponseParser } from "./response-parser.js";

/**
 * Socket reads land in slabs, and a read gets at least a quarter of a slab's room. On a fast link
 * a read fills what it is given, so large slabs mean few reads: in bench/update 1 MiB slabs took
 * 0.93 CPU s/GiB against 1.08 with 256 KiB ones (node:http reads 64 KiB at a time). Slabs start
 * small and double up to the largest, so a short answer or many devices at once stay cheap.
 */
const FIRST_SLAB_BYTES = 64 * 1024;
const MAX_SLAB_BYTES = 1024 * 1024;
/** Body bytes queued before the socket stops reading: the most a slow consumer lets pile up. */
export const BODY_QUEUE_BYTES = 1024 * 1024;

export interface Http1GetOptions {
  /** Where to connect (the target, or the proxy for an absolute-form request). */
  host: string;
  port: number;
  /** TLS settings; undefined: plain TCP. */
  tls?: ConnectionOptions;
  /** Opens the connection instead (e.g. TLS through a proxy tunnel); it is read through 'data' events. */
  connect?: () => Promise<Socket>;
  /** Request target: origin-form path or, for a proxy, the absolute URL. */
  target: string;
  /** The Host header. */
  authority: string;
  headers: Record<string, string>;
  signal?: AbortSignal;
  /** No response head this long after starting: give up on the connection. Default: no limit. */
  headTimeoutMs?: number;
}

export interface Http1Response {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly localAddress: string | undefined;
  /**
   * The body, chunk by chunk, once. `onWait(true)` while it waits for the network and
   * `onWait(false)` when bytes came, so an idle timer can tell a stalled server from a slow consumer.
   */
  body(onWait?: (waiting: boolean) => void): AsyncGenerator<Uint8Array>;
  /** Closes the connection; a body being read fails with `error` if given. */
  destroy(error?: Error): void;
}

/** Sends a GET and resolves with the response head; rejects on connection or protocol errors. */
export function http1Get(options: Http1GetOptions): Promise<Http1Response> {
  return new Promise((resolve, reject) => {
    const conn = new Connection(options, resolve, reject);
    conn.start();
  });
}

class Connection implements Http1Response {
  status = 0;
  headers: Record<string, string> = {};
  readonly #options: Http1GetOptions;
  readonly #resolve: (r: Http1Response) => void;
  readonly #reject: (e: Error) => void;
  readonly #parser: ResponseParser;
  #socket: Socket | undefined;
  #headSeen = false;
  #slab: Buffer | undefined;
  #slabUsed = 0;
  readonly #queue: Uint8Array[] = [];
  #queued = 0;
  #paused = false;
  #ended = false;
  #failure: Error | undefined;
  #wake: (() => void) | undefined;
  #pokeQueued = false;
  #headTimer: NodeJS.Timeout | undefined;

  constructor(options: Http1GetOptions, resolve: (r: Http1Response) => void, reject: (e: Error) => void) {
    this.#options = options;
    this.#resolve = resolve;
    this.#reject = reject;
    this.#parser = new ResponseParser({
      head: (head) => this.#onHead(head),
      body: (bytes) => {
        this.#enqueue(bytes);
        this.#pokeSoon();
      },
      end: () => {
        this.#ended = true;
        this.#poke();
      },
    });
  }

  get localAddress(): string | undefined {
    return this.#socket?.localAddress;
  }

  start(): void {
    const o = this.#options;
    let head: string;
    try {
      o.signal?.throwIfAborted();
      head = requestHead(o);
    } catch (e) {
      this.#fail(e as Error);
      return;
    }
    o.signal?.addEventListener("abort", this.#onAbort, { once: true });
    if (o.headTimeoutMs !== undefined) {
      const ms = o.headTimeoutMs;
      this.#headTimer = setTimeout(() => this.destroy(new Error(`no response within ${ms} ms`)), ms);
    }
    if (o.connect) {
      o.connect().then(
        (socket) => {
          socket.on("data", (bytes: Buffer) => {
            if (!this.#consume(bytes)) socket.pause();
          });
          this.#attach(socket, head, true);
        },
        (e: Error) => this.#fail(e),
      );
      return;
    }
    const onread: OnReadOpts = {
      buffer: () => this.#nextBuffer(),
      callback: (n, buf) => this.#onRead(n, buf),
    };
    // tls passes `onread` on to its net.Socket; @types/node leaves it out of the TLS options.
    const socket = o.tls
      ? tlsConnect({ ...o.tls, host: o.host, port: o.port, onread, ...servername(o) } as ConnectionOptions)
      : netConnect({ host: o.host, port: o.port, onread });
    this.#attach(socket, head, false);
  }

  async *body(onWait?: (waiting: boolean) => void): AsyncGenerator<Uint8Array> {
    try {
      for (;;) {
        const chunk = this.#queue.shift();
        if (chunk) {
          this.#queued -= chunk.length;
          if (this.#paused && this.#queued < BODY_QUEUE_BYTES / 2) {
            this.#paused = false;
            this.#socket?.resume();
          }
          yield chunk;
          continue;
        }
        if (this.#failure) throw this.#failure;
        if (this.#ended) return;
        onWait?.(true);
        // onWait may itself have ended things (a destroy), which would wake nobody.
        if (this.#queue.length === 0 && !this.#failure && !this.#ended)
          await new Promise<void>((r) => {
            this.#wake = r;
          });
        onWait?.(false);
      }
    } finally {
      this.destroy();
    }
  }

  destroy(error?: Error): void {
    if (error && !this.#failure && !this.#ended) {
      // Asked to stop: what is queued is not wanted any more.
      this.#queue.length = 0;
      this.#queued = 0;
      this.#fail(error);
    }
    this.#release();
    this.#socket?.destroy();
  }

  /** Drops what ties this connection to the caller: the abort listener and the head timer. */
  #release(): void {
    this.#options.signal?.removeEventListener("abort", this.#onAbort);
    clearTimeout(this.#headTimer);
  }

  readonly #onAbort = () => this.destroy(this.#options.signal?.reason as Error);

  #attach(socket: Socket, head: string, connected: boolean): void {
    this.#socket = socket;
    if (this.#failure) {
      socket.destroy();
      return;
    }
    const send = () => socket.write(head);
    if (connected) send();
    else socket.once(this.#options.tls ? "secureConnect" : "connect", send);
    socket.on("error", (e) => this.#fail(e));
    // With `onread` nothing is pushed to the readable side; end and close still come.
    socket.on("end", () => this.#onEnd());
    socket.on("close", () => this.#onEnd());
    socket.resume();
  }

  /** Room for the next read: the rest of the slab, or a new slab when too little is left. */
  #nextBuffer(): Uint8Array {
    let slab = this.#slab;
    if (!slab || slab.length - this.#slabUsed < slab.length / 4) {
      const size = slab ? Math.min(MAX_SLAB_BYTES, slab.length * 2) : FIRST_SLAB_BYTES;
      slab = this.#slab = Buffer.allocUnsafeSlow(size);
      this.#slabUsed = 0;
    }
    return slab.subarray(this.#slabUsed);
  }

  #onRead(n: number, buf: Uint8Array): boolean {
    // Bytes handed on stay the consumer's: later reads go after them in the slab, never over them.
    if (this.#slab && buf.buffer === this.#slab.buffer) this.#slabUsed = buf.byteOffset + n;
    return this.#consume(buf.subarray(0, n));
  }

  /** Parses bytes read; false when reading should pause (failed, or the consumer is behind). */
  #consume(bytes: Uint8Array): boolean {
    if (this.#failure) return false;
    try {
      this.#parser.push(bytes);
    } catch (e) {
      // The bytes parsed before the error are good: they stay queued ahead of it.
      this.#fail(e as Error);
      this.#socket?.destroy();
      return false;
    }
    if (this.#queued >= BODY_QUEUE_BYTES) {
      this.#paused = true;
      return false;
    }
    return true;
  }

  #onHead(head: ResponseHead): void {
    clearTimeout(this.#headTimer);
    this.status = head.status;
    this.headers = head.headers;
    this.#headSeen = true;
    this.#resolve(this);
  }

  #onEnd(): void {
    if (this.#ended || this.#failure) return;
    try {
      this.#parser.finish();
    } catch (e) {
      this.#fail(e as Error);
    }
  }

  #fail(e: Error): void {
    if (this.#failure || this.#ended) return;
    this.#failure = e;
    this.#release();
    if (!this.#headSeen) this.#reject(e);
    this.#poke();
  }

  /**
   * Queues body bytes, as one view with the last queued ones when they follow them in the same slab.
   * TLS hands each record (16 KiB at most) to a read callback of its own: merged, what arrives while
   * the consumer is busy reaches it as one view, not one per record.
   */
  #enqueue(bytes: Uint8Array): void {
    this.#queued += bytes.length;
    const last = this.#queue.at(-1);
    if (last && last.buffer === bytes.buffer && last.byteOffset + last.length === bytes.byteOffset) {
      this.#queue[this.#queue.length - 1] = new Uint8Array(
        last.buffer,
        last.byteOffset,
        last.length + bytes.length,
      );
    } else this.#queue.push(bytes);
  }

  /**
   * Wakes a waiting consumer once this turn of the event loop has read what it can (setImmediate
   * runs after the poll phase), so the records of one turn are one chunk and one wake-up.
   */
  #pokeSoon(): void {
    if (!this.#wake || this.#pokeQueued) return;
    this.#pokeQueued = true;
    setImmediate(() => {
      this.#pokeQueued = false;
      this.#poke();
    });
  }

  #poke(): void {
    const w = this.#wake;
    this.#wake = undefined;
    w?.();
  }
}

/** SNI carries host names only (RFC 6066), never an IP literal. */
function servername(o: Http1GetOptions): { servername?: string } {
  if (o.tls?.servername) return { servername: o.tls.servername };
  return isIP(o.host) ? {} : { servername: o.host };
}

function requestHead(o: Http1GetOptions): string {
  const lines = [`GET ${o.target} HTTP/1.1`, `host: ${o.authority}`];
  for (const [name, value] of Object.entries(o.headers)) {
    if (/[\r\n]/.test(value) || /[\r\n:]/.test(name)) throw new TypeError(`invalid header ${name}`);
    lines.push(`${name}: ${value}`);
  }
  lines.push("connection: close", "", "");
  return lines.join("\r\n");
}
