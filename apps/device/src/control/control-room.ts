// The control socket's logic, apart from the socket: who is connected in which role, questions to
// the one controller with a deadline and a fallback answer, events fanned out to everyone who said
// hello, and requests (status, mark_valid, reboot) from anyone. Time comes from the Clock port.

import type { Clock, Logger, TimerHandle } from "@nerves-hub-ts/ports";
import { timerDelayMs } from "@nerves-hub-ts/ports";
import {
  type AgentMessage,
  type AnswerFor,
  type ClientMessage,
  type Command,
  checkAnswer,
  PROTOCOL_VERSION,
  type QuestionKind,
  type Role,
} from "./protocol.js";

/** One connected client, as the room sees it. */
export interface ControlSession {
  send(message: AgentMessage): void;
  /** Ends the connection after what was sent has been flushed. */
  close(): void;
}

/** How the room hears from one session, and how the socket sends through it. */
export interface Peer {
  receive(message: ClientMessage): void;
  left(): void;
  /** Sends in order with the room's own messages: never ahead of the welcome. */
  send(message: AgentMessage): void;
  /** Closes the session once everything sent before has gone out. */
  close(): void;
}

export interface ControlRoomOptions {
  clock: Clock;
  logger: Logger;
  status(): Promise<unknown>;
  commands: Record<Exclude<Command, "status">, () => Promise<unknown>>;
}

/** How a question was settled. */
export interface Settled<K extends QuestionKind> {
  answer: AnswerFor<K>;
  by: "controller" | "fallback";
  /** Why the fallback was used. */
  why?: "no controller" | "deadline" | "controller left";
}

interface Pending {
  id: string;
  kind: QuestionKind;
  controller: ControlSession;
  fallback: unknown;
  timer: TimerHandle;
  settle(answer: unknown, by: "controller" | "fallback", why?: Settled<QuestionKind>["why"]): void;
}

interface SessionState {
  greeted: boolean;
  /** Set once the welcome went out, so events never precede it. */
  role?: Role;
  /** While the welcome is being prepared, what would otherwise overtake it waits here. */
  held?: Array<() => void>;
}

export class ControlRoom {
  readonly #options: ControlRoomOptions;
  readonly #sessions = new Map<ControlSession, SessionState>();
  /** Reserved as soon as a controller says hello, so a second one is refused even mid-welcome. */
  #controller: ControlSession | undefined;
  readonly #pending = new Map<string, Pending>();
  #questions = 0;

  constructor(options: ControlRoomOptions) {
    this.#options = options;
  }

  get hasController(): boolean {
    return this.#liveController() !== undefined;
  }

  get sessionCount(): number {
    return this.#sessions.size;
  }

  join(session: ControlSession): Peer {
    this.#sessions.set(session, { greeted: false });
    return {
      receive: (message) => void this.#receive(session, message),
      left: () => this.#left(session),
      send: (message) => this.#send(session, message),
      close: () => this.#afterWelcome(session, () => session.close()),
    };
  }

  /** Asks the controller; settles with its valid answer, or the fallback when none comes in time. */
  ask<K extends QuestionKind>(
    kind: K,
    details: Record<string, unknown>,
    options: { timeoutMs: number; fallback: AnswerFor<K> },
  ): Promise<Settled<K>> {
    const controller = this.#liveController();
    if (!controller)
      return Promise.resolve({ answer: options.fallback, by: "fallback", why: "no controller" });
    const id = `q${++this.#questions}`;
    return new Promise((resolve) => {
      const pending: Pending = {
        id,
        kind,
        controller,
        fallback: options.fallback,
        timer: this.#options.clock.setTimeout(() => {
          pending.settle(options.fallback, "fallback", "deadline");
          this.#send(controller, { type: "expired", id, applied: options.fallback });
        }, timerDelayMs(options.timeoutMs)),
        settle: (answer, by, why) => {
          if (!this.#pending.delete(id)) return;
          pending.timer.cancel();
          resolve({ answer: answer as AnswerFor<K>, by, ...(why ? { why } : {}) });
        },
      };
      this.#pending.set(id, pending);
      this.#send(controller, {
        type: "question",
        id,
        kind,
        deadline_ms: options.timeoutMs,
        fallback: options.fallback,
        ...details,
      });
    });
  }

  /** Sends an event to every session that said hello. */
  broadcast(event: string, fields: Record<string, unknown> = {}): void {
    const message: AgentMessage = {
      type: "event",
      event,
      at: new Date(this.#options.clock.now()).toISOString(),
      ...fields,
    };
    for (const [session, state] of this.#sessions) if (state.role) session.send(message);
  }

  /** Settles open questions with their fallbacks and closes every session. */
  closeAll(): void {
    for (const session of [...this.#sessions.keys()]) {
      this.#left(session);
      session.close();
    }
  }

  async #receive(session: ControlSession, message: ClientMessage): Promise<void> {
    switch (message.type) {
      case "hello":
        await this.#hello(session, message.role);
        return;
      case "answer":
        this.#answer(session, message.id, message.answer);
        return;
      case "request":
        await this.#request(session, message.id, message.command);
        return;
    }
  }

  async #hello(session: ControlSession, role: Role): Promise<void> {
    const state = this.#sessions.get(session);
    if (!state) return;
    if (state.greeted) {
      this.#send(session, { type: "error", code: "already_greeted", message: "hello was already sent" });
      return;
    }
    if (role === "controller" && this.#controller) {
      this.#send(session, {
        type: "error",
        code: "controller_taken",
        message: "another application is the controller; connect as an observer or try later",
      });
      this.#options.logger.warn("refused a second control-socket controller");
      this.#left(session);
      session.close();
      return;
    }
    state.greeted = true;
    state.held = [];
    if (role === "controller") this.#controller = session;
    this.#options.logger.info("control socket client said hello", { role });
    const status = await this.#options.status();
    if (!this.#sessions.has(session)) return;
    session.send({ type: "welcome", protocol: PROTOCOL_VERSION, role, status });
    state.role = role;
    const held = state.held;
    state.held = undefined;
    for (const action of held) action();
  }

  #send(session: ControlSession, message: AgentMessage): void {
    this.#afterWelcome(session, () => session.send(message));
  }

  /** Runs `action` now, or after the welcome when one is being prepared for the session. */
  #afterWelcome(session: ControlSession, action: () => void): void {
    const held = this.#sessions.get(session)?.held;
    if (held) held.push(action);
    else action();
  }

  /** The controller, once welcomed. */
  #liveController(): ControlSession | undefined {
    const c = this.#controller;
    return c && this.#sessions.get(c)?.role === "controller" ? c : undefined;
  }

  #answer(session: ControlSession, id: string, fields: Record<string, unknown>): void {
    const pending = this.#pending.get(id);
    if (session !== this.#controller) {
      this.#send(session, {
        type: "error",
        code: "not_controller",
        message: "only the controller answers",
        id,
      });
      return;
    }
    if (!pending || pending.controller !== session) {
      this.#send(session, {
        type: "error",
        code: "unknown_question",
        message: `no open question ${id} (already answered or past its deadline)`,
        id,
      });
      return;
    }
    const checked = checkAnswer(pending.kind, fields);
    if (!checked.ok) {
      // The question stays open: the controller may still answer properly before the deadline.
      this.#send(session, { type: "error", code: "bad_answer", message: checked.message, id });
      return;
    }
    pending.settle(checked.answer, "controller");
    this.#send(session, { type: "accepted", id });
  }

  async #request(session: ControlSession, id: string | number, command: Command): Promise<void> {
    try {
      const result =
        command === "status" ? await this.#options.status() : await this.#options.commands[command]();
      this.#send(session, { type: "reply", id, ok: true, result: result ?? null });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.#send(session, { type: "reply", id, ok: false, error: { code: "failed", message } });
    }
  }

  #left(session: ControlSession): void {
    if (!this.#sessions.delete(session)) return;
    if (this.#controller !== session) return;
    this.#controller = undefined;
    this.#options.logger.info("the control-socket controller left");
    for (const pending of [...this.#pending.values()]) {
      if (pending.controller === session) pending.settle(pending.fallback, "fallback", "controller left");
    }
  }
}
