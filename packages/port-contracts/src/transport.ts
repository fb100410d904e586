// The Transport contract: what transport.ts in @nerves-hub-ts/ports promises, as tests. The suite
// drives a real server end (a hub, or an in-process peer) through the TransportPeer it is given.
import {
  type CloseInfo,
  ConnectError,
  type ConnectErrorKind,
  type Connection,
  type ConnectRequest,
  JoinError,
  type PushReply,
  type TopicHandlers,
  type Transport,
} from "@nerves-hub-ts/ports";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { eventually, sleep } from "./eventually.js";

/** A topic to join and the params to join it with. */
export interface JoinSpec {
  topic: string;
  params: unknown;
}

/** The server end of the connections the transport under test opens. */
export interface TransportPeer {
  /** A join the server answers `ok`. */
  readonly accepted: JoinSpec;
  /** A join the server answers `error`. */
  readonly refused: JoinSpec;
  /** A push on `accepted.topic` the server takes in; `received` resolves with its payload as the server saw it. */
  readonly recorded: { event: string; payload: unknown };
  /** Resolves with the payload of the next `recorded.event` the device pushes; call it before the push. */
  received(): Promise<unknown>;
  /** A join, then a push on it the server replies to with `status`. */
  readonly answered: JoinSpec & { event: string; payload: unknown; status: string };
  /** Sends `event` to the device on `topic` (a no-op when the device has not joined it). */
  send(topic: string, event: string, payload: unknown): void;
  /** Ends the device's connection from the server side. */
  drop(): void;
  /** Crashes the device's channel on `topic` (`phx_error`), when the server can. */
  crash?(topic: string): void;
  /** Leaves the device's channel on `topic` (`phx_close`), when the server can. */
  closeChannel?(topic: string): void;
}

export interface TransportFixture {
  transport: Transport;
  /** A request the server accepts; the suite overrides only `heartbeatIntervalMs`. */
  request: ConnectRequest;
  peer: TransportPeer;
  /** A request the server refuses, and the kind of ConnectError that says so. */
  refusedRequest?: { request: ConnectRequest; kind: ConnectErrorKind };
  teardown?(): Promise<void>;
}

interface Heard {
  handlers: TopicHandlers;
  messages: { event: string; payload: unknown }[];
  errors: unknown[];
  closes: number;
}

function listener(): Heard {
  const heard: Heard = {
    messages: [],
    errors: [],
    closes: 0,
    handlers: {
      onMessage: (event, payload) => heard.messages.push({ event, payload }),
      onError: (reason) => heard.errors.push(reason),
      onClose: () => {
        heard.closes += 1;
      },
    },
  };
  return heard;
}

/** How long the suite waits to be sure something did not happen. */
const QUIET_MS = 100;

/** Registers the Transport contract for the implementation `setup` builds (once per test). */
export function transportContract(name: string, setup: () => Promise<TransportFixture>): void {
  describe(`${name} (Transport contract)`, () => {
    let fixture: TransportFixture;
    let open: Connection[] = [];

    beforeEach(async () => {
      fixture = await setup();
      open = [];
    });
    afterEach(async () => {
      for (const c of open) c.close();
      await fixture.teardown?.();
    });

    const connect = async (overrides: Partial<ConnectRequest> = {}) => {
      const connection = await fixture.transport.connect({ ...fixture.request, ...overrides });
      open.push(connection);
      return connection;
    };
    const joinAccepted = async (connection: Connection) => {
      const heard = listener();
      const { topic, params } = fixture.peer.accepted;
      const channel = connection.join(topic, params, heard.handlers);
      await channel.joined;
      return { channel, heard };
    };
    const messagesNamed = (heard: Heard, event: string) => heard.messages.filter((m) => m.event === event);

    it("a join the server accepts resolves with its ok response", async () => {
      const connection = await connect();
      const { topic, params } = fixture.peer.accepted;
      const channel = connection.join(topic, params, listener().handlers);
      expect(channel.topic).toBe(topic);
      await expect(channel.joined).resolves.not.toBeUndefined();
    });

    it("a join the server refuses rejects with a refused JoinError; its channel takes no push", async () => {
      const connection = await connect();
      const { topic, params } = fixture.peer.refused;
      const channel = connection.join(topic, params, listener().handlers);
      const error = await channel.joined.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(JoinError);
      expect(error).toMatchObject({ kind: "refused" });
      expect((error as JoinError).response).not.toBeUndefined();
      expect(channel.push("anything", {})).toBe(false);
      await expect(channel.leave()).resolves.toBeUndefined();
    });

    it("a push before the join reply is dropped; after it, the server receives it unchanged", async () => {
      const connection = await connect();
      const { topic, params } = fixture.peer.accepted;
      const { event, payload } = fixture.peer.recorded;
      const channel = connection.join(topic, params, listener().handlers);
      expect(channel.push(event, payload)).toBe(false);
      await channel.joined;
      const received = fixture.peer.received();
      expect(channel.push(event, payload)).toBe(true);
      expect(await received).toEqual(payload);
    });

    it("server messages reach onMessage in order, with their payloads", async () => {
      const connection = await connect();
      const { heard } = await joinAccepted(connection);
      const { topic } = fixture.peer.accepted;
      const payloads = [
        { n: 1, text: "ä ✓" },
        { n: 2, list: [1, "two", null] },
        { n: 3, nested: { ok: true } },
      ];
      for (const payload of payloads) fixture.peer.send(topic, "contract:message", payload);
      await eventually(
        () => (messagesNamed(heard, "contract:message").length >= 3 ? true : undefined),
        "three server messages",
      );
      expect(messagesNamed(heard, "contract:message").map((m) => m.payload)).toEqual(payloads);
      expect(heard.errors).toEqual([]);
      expect(heard.closes).toBe(0);
    });

    it("the server's reply to a push reaches its onReply, and is no message", async () => {
      const connection = await connect();
      const heard = listener();
      const { topic, params, event, payload, status } = fixture.peer.answered;
      const channel = connection.join(topic, params, heard.handlers);
      await channel.joined;
      const replies: PushReply[] = [];
      expect(channel.push(event, payload, (reply) => replies.push(reply))).toBe(true);
      const reply = await eventually(() => replies[0], "the push reply");
      expect(reply).toMatchObject({ status });
      expect(reply).toHaveProperty("response");
      await sleep(QUIET_MS);
      expect(replies).toHaveLength(1);
      expect(heard.messages.map((m) => m.event)).not.toContain("phx_reply");
    });

    it("leave is acknowledged; afterwards pushes are dropped and nothing more is delivered", async () => {
      const connection = await connect();
      const { channel, heard } = await joinAccepted(connection);
      await expect(channel.leave()).resolves.toBeUndefined();
      expect(channel.push(fixture.peer.recorded.event, fixture.peer.recorded.payload)).toBe(false);
      fixture.peer.send(fixture.peer.accepted.topic, "contract:late", {});
      await sleep(QUIET_MS);
      expect(messagesNamed(heard, "contract:late")).toEqual([]);
      expect(heard.errors).toEqual([]);
    });

    it("leave never rejects: before the join reply, and after the connection closed", async () => {
      const connection = await connect();
      const { topic, params } = fixture.peer.accepted;
      const early = connection.join(topic, params, listener().handlers);
      early.joined.catch(() => undefined);
      await expect(early.leave()).resolves.toBeUndefined();

      const other = await connect();
      const { channel } = await joinAccepted(other);
      other.close();
      await expect(channel.leave()).resolves.toBeUndefined();
    });

    it("a channel the server crashes calls onError and takes no more pushes", async (ctx) => {
      if (!fixture.peer.crash) return ctx.skip();
      const connection = await connect();
      const { channel, heard } = await joinAccepted(connection);
      fixture.peer.crash(fixture.peer.accepted.topic);
      await eventually(() => heard.errors[0], "onError");
      expect(channel.push(fixture.peer.recorded.event, fixture.peer.recorded.payload)).toBe(false);
      expect(heard.messages.map((m) => m.event)).not.toContain("phx_error");
    });

    it("a channel the server closes calls onClose and takes no more pushes", async (ctx) => {
      if (!fixture.peer.closeChannel) return ctx.skip();
      const connection = await connect();
      const { channel, heard } = await joinAccepted(connection);
      fixture.peer.closeChannel(fixture.peer.accepted.topic);
      await eventually(() => (heard.closes > 0 ? true : undefined), "onClose");
      await sleep(QUIET_MS);
      expect(heard.closes).toBe(1);
      expect(channel.push(fixture.peer.recorded.event, fixture.peer.recorded.payload)).toBe(false);
      expect(heard.messages.map((m) => m.event)).not.toContain("phx_close");
    });

    it("a connection the server drops calls every close listener once; then joins and pushes fail", async () => {
      const connection = await connect();
      const { channel } = await joinAccepted(connection);
      const first: CloseInfo[] = [];
      const second: CloseInfo[] = [];
      connection.onClose((info) => first.push(info));
      connection.onClose((info) => second.push(info));
      fixture.peer.drop();
      const info = await eventually(() => first[0], "the close listener");
      await sleep(QUIET_MS);
      expect(first).toHaveLength(1);
      expect(second).toEqual(first);
      expect(info.kind).not.toBe("local");
      expect(typeof info.reason).toBe("string");
      expect(channel.push(fixture.peer.recorded.event, fixture.peer.recorded.payload)).toBe(false);
      const { topic, params } = fixture.peer.accepted;
      await expect(connection.join(topic, params, listener().handlers).joined).rejects.toBeInstanceOf(
        JoinError,
      );
    });

    it("close() ends the connection quietly: no close listener, joins reject as closed", async () => {
      const connection = await connect();
      const closes: CloseInfo[] = [];
      connection.onClose((info) => closes.push(info));
      const { topic, params } = fixture.peer.accepted;
      const pending = connection.join(topic, params, listener().handlers);
      connection.close();
      await expect(pending.joined).rejects.toMatchObject({ name: "JoinError", kind: "closed" });
      await expect(connection.join(topic, params, listener().handlers).joined).rejects.toMatchObject({
        name: "JoinError",
        kind: "closed",
      });
      expect(pending.push(fixture.peer.recorded.event, fixture.peer.recorded.payload)).toBe(false);
      await sleep(QUIET_MS);
      expect(closes).toEqual([]);
    });

    it("when it offers onHeartbeat, every answered heartbeat reports its round trip", async (ctx) => {
      const connection = await connect({ heartbeatIntervalMs: 50 });
      if (!connection.onHeartbeat) return ctx.skip();
      const rtts: number[] = [];
      connection.onHeartbeat((rtt) => rtts.push(rtt));
      await eventually(() => (rtts.length >= 2 ? true : undefined), "two heartbeat round trips");
      for (const rtt of rtts) {
        expect(Number.isFinite(rtt)).toBe(true);
        expect(rtt).toBeGreaterThanOrEqual(0);
      }
    });

    it("a connection the server refuses rejects with a classified ConnectError", async (ctx) => {
      const refused = fixture.refusedRequest;
      if (!refused) return ctx.skip();
      const error = await fixture.transport.connect(refused.request).then(
        (connection) => {
          open.push(connection);
          return undefined;
        },
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ConnectError);
      expect(error).toMatchObject({ kind: refused.kind });
      expect((error as ConnectError).message).not.toBe("");
    });
  });
}
