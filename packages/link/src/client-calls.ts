// Calls into the app's Client. The link must keep running whatever the app does, so a callback
// that throws or rejects is logged and otherwise ignored.

import type { Client, Logger } from "@nerves-hub-ts/ports";
import { errorText } from "./error-text.js";

/** The Client's yes/no questions. */
type ClientFlag = "firmwareValidated" | "firmwareAutoRevertDetected";

/** The app's Client, called so that its failures are logged, never fatal. */
export class ClientCalls {
  constructor(
    private readonly client: Client,
    private readonly log: Logger,
  ) {}

  /** Runs `fn` against the Client; a throw or a rejected promise is logged as `client <name> failed`. */
  call(name: string, fn: (client: Client) => unknown): void {
    try {
      const result = fn(this.client);
      if (result instanceof Promise) {
        result.catch((e: unknown) => this.log.error(`client ${name} failed`, { error: errorText(e) }));
      }
    } catch (e) {
      this.log.error(`client ${name} failed`, { error: errorText(e) });
    }
  }

  /** The Client's answer, or `fallback` when it has no such callback, fails or answers a non-boolean. */
  async flag(name: ClientFlag, fallback: boolean): Promise<boolean> {
    const fn = this.client[name];
    if (!fn) return fallback;
    try {
      const v = await fn.call(this.client);
      return typeof v === "boolean" ? v : fallback;
    } catch (e) {
      this.log.error(`client ${name} failed`, { error: errorText(e) });
      return fallback;
    }
  }
}
