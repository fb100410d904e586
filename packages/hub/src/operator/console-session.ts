// Operator console over a websocket: device `up`/`file-data*` go out as JSON {event, payload};
// operator messages ({event, payload} or plain text as keystrokes) are pushed to the device.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { WebSocketServer } from "ws";
import { decodeSegment } from "../http/request-target.js";
import { writeRejection } from "../http/upgrade-rejection.js";
import { operatorAuthorized } from "./operator-auth.js";
import type { OperatorDeps } from "./operator-hub.js";

/** `/api/console/<identifier>/websocket` */
export const OPERATOR_CONSOLE_PATH = /^\/api\/console\/([^/]+)\/websocket$/;

export function handleConsoleUpgrade(
  deps: OperatorDeps,
  wss: WebSocketServer,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  url: URL,
): void {
  if (!operatorAuthorized(req, url, deps.operatorToken)) {
    writeRejection(socket, { status: 401 }, deps.core.now());
    return;
  }
  const identifier = decodeSegment(OPERATOR_CONSOLE_PATH.exec(url.pathname)?.[1] ?? "");
  if (identifier === undefined) {
    writeRejection(socket, { status: 400 }, deps.core.now());
    return;
  }
  if (!deps.core.devices.get(identifier)) {
    writeRejection(socket, { status: 404 }, deps.core.now());
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    const off = deps.hub.openConsole(identifier, (event, payload) =>
      ws.send(JSON.stringify({ event, payload })),
    );
    ws.on("close", off);
    ws.on("message", (data, isBinary) => {
      const text = Buffer.from(data as Buffer).toString("utf8");
      let message: { event?: unknown; payload?: unknown } | undefined;
      if (!isBinary && text.startsWith("{")) {
        try {
          message = JSON.parse(text) as { event?: unknown; payload?: unknown };
        } catch {
          message = undefined;
        }
      }
      if (message && typeof message.event === "string") {
        deps.hub.push(identifier, "console", message.event, message.payload ?? {});
      } else {
        deps.hub.sendConsole(identifier, text);
      }
    });
  });
}
