// The `extensions` topic (device-client.md §7): joined when the hub sends `extensions:get`; the
// ExtensionsHost decides what its messages mean. Its messages are also link events.

import type { JoinError } from "@nerves-hub-ts/ports";
import type { ExtensionsHost } from "./extensions-host.js";
import type { LinkContext } from "./link-context.js";
import { TopicSession, type TopicSessionHooks } from "./topic-session.js";

/** A TopicSession for `extensions`, bound to `host`. */
export function createExtensionsSession(ctx: LinkContext, host: ExtensionsHost): TopicSession {
  const session = new TopicSession(
    "extensions",
    ctx.clock,
    ctx.config.rejoinAfterMs,
    new ExtensionsTopic(ctx, host),
  );
  host.bind(session);
  return session;
}

/** What the extensions session reports, passed on to the host and the link's subscribers. */
class ExtensionsTopic implements TopicSessionHooks {
  constructor(
    private readonly ctx: LinkContext,
    private readonly host: ExtensionsHost,
  ) {}

  onMessage(event: string, payload: unknown): void {
    this.ctx.events.emit({ type: "message", topic: "extensions", event, payload });
    this.host.message(event, payload);
  }

  onJoined(response: unknown): void {
    this.ctx.events.changed();
    this.host.joined(response);
  }

  onLost(): void {
    this.host.detachAll();
    this.ctx.events.changed();
  }

  onJoinFailed(e: JoinError): void {
    this.ctx.log.warn("hub refused the extensions join; rejoining later", { reason: e.kind });
  }
}
