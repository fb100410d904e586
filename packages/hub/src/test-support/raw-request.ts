// Sends bytes on a bare TCP socket and reads whatever comes back: for requests no HTTP client would
// build (broken request lines, targets and headers) and for clients that never finish their headers.
import { connect, type Socket } from "node:net";

export interface RawExchange {
  /** The response's status code, or null when the hub closed without answering. */
  status: number | null;
  /** Everything the hub sent. */
  text: string;
}

/** Writes `request` and collects the answer until the hub closes or `timeoutMs` passes. */
export function rawExchange(
  port: number,
  request: string | Buffer,
  options: { host?: string; localAddress?: string; timeoutMs?: number } = {},
): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const socket = connect(
      {
        port,
        host: options.host ?? "127.0.0.1",
        ...(options.localAddress ? { localAddress: options.localAddress } : {}),
      },
      () => socket.write(request),
    );
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(), options.timeoutMs ?? 2000);
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    // A reset after the hub's answer (it closes while bytes of ours are unread) is still an answer.
    socket.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "ECONNRESET" && error.code !== "EPIPE") reject(error);
    });
    socket.on("close", () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString("latin1");
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1];
      resolve({ status: status === undefined ? null : Number(status), text });
    });
  });
}

/**
 * Opens `count` sockets that send `partial` (a request's start) and nothing more. They read what the
 * hub sends, so they see it close them.
 */
export async function stalledClients(port: number, count: number, partial: string): Promise<Socket[]> {
  return Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Socket>((resolve, reject) => {
          const socket = connect(port, "127.0.0.1", () => {
            socket.write(partial);
            socket.resume();
            resolve(socket);
          });
          socket.on("error", reject);
        }),
    ),
  );
}

/** The header lines of a websocket upgrade, each ending in CRLF. */
export const UPGRADE_HEADERS =
  "connection: Upgrade\r\nupgrade: websocket\r\nsec-websocket-version: 13\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\n";

/** A complete upgrade to the shared-secret device socket, with `headers` (the x-nh-* ones) added. */
export function deviceSocketUpgrade(headers: Record<string, string>): string {
  const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return `GET /device-socket/websocket?vsn=2.0.0 HTTP/1.1\r\nhost: hub\r\n${UPGRADE_HEADERS}${extra.join("")}\r\n`;
}
