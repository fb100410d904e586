// The `console` topic (device-client.md §6), joined when `remoteConsole` is on. The link only keeps
// it joined and passes its messages on as `message` events; a console adapter subscribes to those.

import type { JoinError } from "@nerves-hub-ts/ports";
import { decodeServerMessage } from "@nerves-hub-ts/protocol";
import type { LinkContext } from "./link-context.js";
import { TopicSession, type TopicSessionHooks } from "./topic-session.js";

/** A TopicSession for `console` whose messages become link events. */
export function createConsoleSession(ctx: LinkContext): TopicSession {
  return new TopicSession("console", ctx.clock, ctx.config.rejoinAfterMs, new ConsoleTopic(ctx));
}

class ConsoleTopic implements TopicSessionHooks {
  constructor(private readonly ctx: LinkContext) {}

  onMessage(event: string, payload: unknown): void {
    this.ctx.events.emit({ type: "message", topic: "console", event, payload });
    const decoded = decodeServerMessage("console", event, payload);
    if (!decoded.ok || decoded.value.kind === "unknown") {
      this.ctx.warnOnce.warn(`console:${event}`, `unexpected ${event} on the console topic`, { event });
    }
  }

  onJoined(): void {
    this.ctx.events.changed();
  }

  onLost(): void {
    this.ctx.events.changed();
  }

  onJoinFailed(e: JoinError): void {
    this.ctx.log.warn("hub refused the console join; rejoining later", { reason: e.kind });
  }
}
