// The control socket itself: a Unix socket (mode 0660) whose connections speak newline-delimited JSON
// and are handed to the ControlRoom. A stale socket file from a crashed agent is replaced; a live one
// (another agent running) is an error.
import { chmod, lstat, mkdir, unlink } from "node:fs/promises";
import { createConnection, createServer, type Socket } from "node:net";
import { dirname } from "node:path";
import type { Logger } from "@nerves-hub-ts/ports";
import type { ControlRoom, ControlSession } from "./control-room.js";
import { MAX_LINE_BYTES, parseClientLine } from "./protocol.js";

/** A client that stops reading loses its connection rather than growing the agent's memory. */
const MAX_BACKLOG_BYTES = 1024 * 1024;

export class ControlSocketError extends Error {
  override readonly name = "ControlSocketError";
}

export interface ControlServer {
  readonly path: string;
  close(): Promise<void>;
}

export async function listenControlSocket(
  path: string,
  room: ControlRoom,
  logger: Logger,
): Promise<ControlServer> {
  await prepare(path);
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    serve(socket, room, logger);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (e) =>
      reject(new ControlSocketError(`control_socket: cannot listen on ${path} (${e.message})`)),
    );
    server.listen(path, resolve);
  });
  await chmod(path, 0o660);
  logger.info("control socket listening", { path });
  return {
    path,
    async close() {
      room.closeAll();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Sessions got their close(); anything still open after a moment is cut.
        setTimeout(() => {
          for (const s of sockets) s.destroy();
        }, 500).unref();
      });
      await unlink(path).catch(() => undefined);
    },
  };
}

async function prepare(path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true }).catch((e: NodeJS.ErrnoException) => {
    throw new ControlSocketError(`control_socket: cannot create ${dirname(path)} (${e.code ?? e.message})`);
  });
  const stat = await lstat(path).catch(() => undefined);
  if (!stat) return;
  if (!stat.isSocket()) throw new ControlSocketError(`control_socket: ${path} exists and is not a socket`);
  const live = await new Promise<boolean>((resolve) => {
    const probe = createConnection(path);
    probe.once("connect", () => {
      probe.destroy();
      resolve(true);
    });
    probe.once("error", () => resolve(false));
  });
  if (live) throw new ControlSocketError(`control_socket: another agent is listening on ${path}`);
  await unlink(path);
}

function serve(socket: Socket, room: ControlRoom, logger: Logger): void {
  let closed = false;
  const session: ControlSession = {
    send(message) {
      if (closed || socket.destroyed) return;
      if (socket.writableLength > MAX_BACKLOG_BYTES) {
        logger.warn("control socket client is not reading; disconnecting it");
        socket.destroy();
        return;
      }
      socket.write(`${JSON.stringify(message)}\n`);
    },
    close() {
      closed = true;
      socket.end();
    },
  };
  const peer = room.join(session);
  let buffer = "";
  /** Nothing more is read once a line was too long, even while the close waits for the welcome. */
  let reading = true;
  socket.setEncoding("utf8");
  const tooLong = () => {
    peer.send({
      type: "error",
      code: "line_too_long",
      message: `lines are limited to ${MAX_LINE_BYTES} bytes`,
    });
    buffer = "";
    reading = false;
    peer.close();
  };
  socket.on("data", (text: string) => {
    if (closed || !reading) return;
    buffer += text;
    for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (Buffer.byteLength(line) > MAX_LINE_BYTES) return tooLong();
      if (line === "") continue;
      const parsed = parseClientLine(line);
      if (parsed.ok) peer.receive(parsed.message);
      else peer.send({ type: "error", code: parsed.code, message: parsed.message });
    }
    if (Buffer.byteLength(buffer) > MAX_LINE_BYTES) tooLong();
  });
  socket.on("error", () => undefined);
  socket.on("close", () => {
    closed = true;
    peer.left();
  });
}
