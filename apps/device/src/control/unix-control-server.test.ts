import { link, lstat, mkdtemp, rm, stat } from "node:fs/promises";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryLogger } from "@nerves-hub-ts/link/testing";
import { nodeClock } from "@nerves-hub-ts/platform-node";
import { afterEach, describe, expect, it } from "vitest";
import { ControlClient } from "./control-client.js";
import { ControlRoom } from "./control-room.js";
import { MAX_LINE_BYTES } from "./protocol.js";
import { ControlSocketError, listenControlSocket } from "./unix-control-server.js";

const room = () =>
  new ControlRoom({
    clock: nodeClock,
    logger: new MemoryLogger(),
    status: async () => ({ ok: true }),
    commands: { mark_valid: async () => null, reboot: async () => null },
  });

const tempDirs: string[] = [];
afterEach(async () => {
  await Promise.all(tempDirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const socketPath = async () => {
  const dir = await mkdtemp(join(tmpdir(), "nh-ctl-"));
  tempDirs.push(dir);
  return join(dir, "run", "control.sock");
};

describe("listenControlSocket", () => {
  it("serves NDJSON on a 0660 socket and removes it on close", async () => {
    const path = await socketPath();
    const server = await listenControlSocket(path, room(), new MemoryLogger());
    expect((await stat(path)).mode & 0o777).toBe(0o660);
    const client = await ControlClient.connect(path);
    client.send({ type: "request", id: 1, command: "status" });
    expect(await client.next()).toEqual({ type: "reply", id: 1, ok: true, result: { ok: true } });
    await server.close();
    expect(await client.next()).toBeUndefined();
    await expect(stat(path)).rejects.toThrow();
  });

  it("answers bad lines with an error and cuts a line that is too long", async () => {
    const path = await socketPath();
    const server = await listenControlSocket(path, room(), new MemoryLogger());
    try {
      const raw = createConnection(path);
      let received = "";
      raw.setEncoding("utf8").on("data", (t: string) => {
        received += t;
      });
      const ended = new Promise((r) => raw.once("close", r));
      raw.write('{"type":"hello","role":"boss"}\nnot json\n');
      raw.write(`${"x".repeat(MAX_LINE_BYTES + 10)}\n`);
      await ended;
      expect(
        received
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l).code),
      ).toEqual(["bad_message", "bad_json", "line_too_long"]);
    } finally {
      await server.close();
    }
  });

  it("welcomes a client before answering anything else it sent", async () => {
    const path = await socketPath();
    const server = await listenControlSocket(path, room(), new MemoryLogger());
    try {
      const raw = createConnection(path);
      let received = "";
      const threeLines = new Promise<void>((resolve) =>
        raw.setEncoding("utf8").on("data", (t: string) => {
          received += t;
          if (received.split("\n").length > 3) resolve();
        }),
      );
      // One write, so the agent reads all of it before the welcome can go out.
      raw.write(
        '{"type":"hello","role":"observer"}\n{"type":"hello","role":"observer"}\nnot json\n' +
          '{"type":"request","id":1,"command":"mark_valid"}\n',
      );
      await threeLines;
      raw.destroy();
      const messages = received
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { type: string; code?: string });
      expect(messages.map((m) => m.code ?? m.type)).toEqual([
        "welcome",
        "already_greeted",
        "bad_json",
        "reply",
      ]);
    } finally {
      await server.close();
    }
  });

  it("replaces a stale socket file but refuses one another agent is listening on", async () => {
    const path = await socketPath();
    const first = await listenControlSocket(path, room(), new MemoryLogger());
    await expect(listenControlSocket(path, room(), new MemoryLogger())).rejects.toThrow(
      new ControlSocketError(`control_socket: another agent is listening on ${path}`),
    );
    await first.close();
    // A crashed agent leaves its socket file behind. Closing a server removes its file, so the socket
    // gets a second name first: that hard link outlives the close, with nobody listening behind it.
    const stale = createServer();
    await new Promise<void>((r) => stale.listen(`${path}.old`, r));
    await link(`${path}.old`, path);
    await new Promise<void>((resolve, reject) => stale.close((e) => (e ? reject(e) : resolve())));
    expect((await lstat(path)).isSocket()).toBe(true);
    const fresh = await listenControlSocket(path, room(), new MemoryLogger());
    const client = await ControlClient.connect(path);
    client.send({ type: "request", id: 1, command: "status" });
    expect(await client.next()).toMatchObject({ type: "reply", id: 1, ok: true });
    client.close();
    await fresh.close();
  });
});
