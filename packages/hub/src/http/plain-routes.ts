// Everything on the device endpoint that is not the socket, firmware or operator API.
import type { IncomingMessage, ServerResponse } from "node:http";
import { DEVICE_SOCKET_PATHS } from "./device-upgrade.js";

const HEALTH_PATHS = new Set(["/status/alive", "/status/_health", "/status/health", "/status/healthy"]);

/** Where unknown paths are redirected (the server's DEVICE_ENDPOINT_REDIRECT default). */
export const DOCS_URL = "https://docs.nerves-hub.org/";

export function servePlainRoute(req: IncomingMessage, res: ServerResponse, pathname: string): void {
  if (HEALTH_PATHS.has(pathname)) {
    res.writeHead(200, { "content-type": "text/plain" }).end("Hello, Friend!");
    return;
  }
  if (DEVICE_SOCKET_PATHS.includes(pathname)) {
    // A socket path without a websocket upgrade.
    res.writeHead(400, { "content-type": "text/plain" }).end("Bad Request");
    return;
  }
  res.writeHead(301, { location: DOCS_URL, "content-type": "text/html" });
  res.end(
    req.method === "HEAD"
      ? undefined
      : `<html><body>You are being <a href="${DOCS_URL}">redirected</a>.</body></html>`,
  );
}
