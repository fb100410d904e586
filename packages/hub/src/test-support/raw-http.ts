// A one-request HTTP(S) client on a bare socket: it counts the body bytes that actually arrived and
// says how the connection ended (FIN or reset), which Node's http client hides behind "aborted".
import { connect as connectTcp, isIP, type Socket } from "node:net";
import { connect as connectTls } from "node:tls";

export interface RawResponse {
  /** The status line and headers, as sent. */
  head: string;
  /** Every byte after the blank line that ends the headers. */
  body: Buffer;
  /** `fin` when the server closed cleanly, else the socket error code (e.g. `ECONNRESET`). */
  ending: string;
}

export interface RawGetOptions {
  /** CA for an https URL. */
  ca?: string;
  /**
   * Sends this text once the first bytes arrive, with reading paused for a moment around it: a
   * client that writes while the server is cutting the connection.
   */
  writeAfterFirstData?: string;
}

export function rawGet(url: string, options: RawGetOptions = {}): Promise<RawResponse> {
  const u = new URL(url);
  const port = Number(u.port);
  const socket: Socket =
    u.protocol === "https:"
      ? connectTls({
          host: u.hostname,
          port,
          ca: options.ca,
          ...(isIP(u.hostname) ? {} : { servername: u.hostname }),
        })
      : connectTcp(port, u.hostname);
  socket.write(`GET ${u.pathname}${u.search} HTTP/1.1\r\nhost: ${u.host}\r\n\r\n`);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let ending = "open";
    let first = true;
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      const late = options.writeAfterFirstData;
      if (!first || late === undefined) return;
      first = false;
      socket.pause();
      setTimeout(() => socket.write(late), 100);
      setTimeout(() => socket.resume(), 200);
    });
    socket.on("end", () => {
      ending = "fin";
    });
    socket.on("error", (error: NodeJS.ErrnoException) => {
      ending = error.code ?? error.message;
    });
    socket.on("close", () => {
      const all = Buffer.concat(chunks);
      const split = all.indexOf("\r\n\r\n");
      resolve({
        head: split < 0 ? all.toString("latin1") : all.subarray(0, split).toString("latin1"),
        body: split < 0 ? Buffer.alloc(0) : all.subarray(split + 4),
        ending,
      });
    });
  });
}
