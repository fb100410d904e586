import type { ControlRoom, ControlSession, Peer } from "../control/control-room.js";
import type { AgentMessage, ClientMessage } from "../control/protocol.js";

/** A control-socket session in memory: records what the agent sent. */
export class FakeSession implements ControlSession {
  readonly sent: AgentMessage[] = [];
  closed = false;
  peer!: Peer;
  send(message: AgentMessage): void {
    this.sent.push(message);
  }
  close(): void {
    this.closed = true;
  }
  last(): AgentMessage | undefined {
    return this.sent.at(-1);
  }
  ofType<T extends AgentMessage["type"]>(type: T): Extract<AgentMessage, { type: T }>[] {
    return this.sent.filter((m) => m.type === type) as Extract<AgentMessage, { type: T }>[];
  }
  events(): string[] {
    return this.ofType("event").map((e) => e.event);
  }
  receive(message: ClientMessage): void {
    this.peer.receive(message);
  }
}

/** Joins a FakeSession to the room, optionally saying hello. */
export async function joinRoom(room: ControlRoom, role?: "controller" | "observer"): Promise<FakeSession> {
  const s = new FakeSession();
  s.peer = room.join(s);
  if (role) {
    s.peer.receive({ type: "hello", role });
    await flush();
  }
  return s;
}

/** Lets pending promise callbacks run. */
export const flush = (): Promise<void> => new Promise((r) => setImmediate(r));
