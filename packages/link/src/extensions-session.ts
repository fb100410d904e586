// The `extensions` topic (device-client.md §7): joined when the hub sends `extensions:get`; the
// ExtensionsHost decides what its messages mean. Its messages are also link events.
import type { ExtensionsHost } from "./extensions-host.js";
import type { LinkContext } from "./link-context.js";
import { TopicSession } from "./topic-session.js";

/** A TopicSession for `extensions`, bound to `host`. */
export function createExtensionsSession(ctx: LinkContext, host: ExtensionsHost): TopicSession {
  const { clock, config, events, log } = ctx;
  const session = new TopicSession("extensions", clock, config.rejoinAfterMs, {
    onMessage: (event, payload) => {
      events.emit({ type: "message", topic: "extensions", event, payload });
      host.message(event, payload);
    },
    onJoined: (response) => {
      events.changed();
      host.joined(response);
    },
    onLost: () => {
      host.detachAll();
      events.changed();
    },
    onJoinFailed: (e) => log.warn("hub refused the extensions join; rejoining later", { reason: e.kind }),
  });
  host.bind(session);
  return session;
}
