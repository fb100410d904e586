// A minimal forward proxy for tests: absolute-form requests for http targets, CONNECT tunnels
// for https targets. It records what it was asked to do.
import { createServer, request } from "node:http";
import { type AddressInfo, connect, type Socket } from "node:net";

export interface TestProxy {
  url: string;
  /** "GET <absolute url>" or "CONNECT <host:port>" per request, plus the Proxy-Authorization seen. */
  log: { line: string; auth: string | undefined }[];
  close(): Promise<void>;
}

/** `refuseConnect`: answer every CONNECT with this status instead of opening the tunnel. */
export async function startProxy(refuseConnect?: number): Promise<TestProxy> {
  const log: TestProxy["log"] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    log.push({ line: `${req.method} ${req.url}`, auth: req.headers["proxy-authorization"] });
    const target = new URL(req.url ?? "");
    const { "proxy-authorization": _, ...headers } = req.headers;
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: req.method,
        headers,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  server.on("connect", (req, client: Socket, head: Buffer) => {
    log.push({ line: `CONNECT ${req.url}`, auth: req.headers["proxy-authorization"] });
    if (refuseConnect !== undefined) {
      client.end(`HTTP/1.1 ${refuseConnect} Refused\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    const [host, port] = (req.url ?? "").split(":");
    const upstream = connect(Number(port), host, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
