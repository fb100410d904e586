// The client side of the control socket, used by `nh-device ctl` and by tests: connect, send
// messages, read messages one line at a time.
import { createConnection, type Socket } from "node:net";
import type { AgentMessage } from "./protocol.js";

export class ControlClientError extends Error {
  override readonly name = "ControlClientError";
}

export class ControlClient {
  readonly #socket: Socket;
  readonly #queue: AgentMessage[] = [];
  readonly #waiters: Array<(m: AgentMessage | undefined) => void> = [];
  #ended = false;

  private constructor(socket: Socket) {
    this.#socket = socket;
    let buffer = "";
    socket.setEncoding("utf8");
    socket.on("data", (text: string) => {
      buffer += text;
      for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line.trim()) this.#deliver(JSON.parse(line) as AgentMessage);
      }
    });
    socket.on("close", () => {
      this.#ended = true;
      for (const w of this.#waiters.splice(0)) w(undefined);
    });
    socket.on("error", () => undefined);
  }

  static connect(path: string): Promise<ControlClient> {
    return new Promise((resolve, reject) => {
      const socket = createConnection(path);
      socket.once("connect", () => resolve(new ControlClient(socket)));
      socket.once("error", (e: NodeJS.ErrnoException) => {
        const hint = e.code === "ENOENT" || e.code === "ECONNREFUSED" ? " (is the agent running?)" : "";
        reject(
          new ControlClientError(
            `cannot connect to the control socket ${path}: ${e.code ?? e.message}${hint}`,
          ),
        );
      });
    });
  }

  send(message: Record<string, unknown>): void {
    this.#socket.write(`${JSON.stringify(message)}\n`);
  }

  /** The next message, or undefined once the agent closed the connection. */
  next(): Promise<AgentMessage | undefined> {
    const queued = this.#queue.shift();
    if (queued) return Promise.resolve(queued);
    if (this.#ended) return Promise.resolve(undefined);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Reads until a message matches; undefined if the connection ends first. */
  async waitFor(predicate: (m: AgentMessage) => boolean): Promise<AgentMessage | undefined> {
    for (let m = await this.next(); m; m = await this.next()) if (predicate(m)) return m;
    return undefined;
  }

  close(): void {
    this.#socket.end();
  }

  #deliver(message: AgentMessage): void {
    const waiter = this.#waiters.shift();
    if (waiter) waiter(message);
    else this.#queue.push(message);
  }
}
