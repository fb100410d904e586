// The `console` topic (device-client.md §6), joined when `remoteConsole` is on. The link only keeps
// it joined and passes its messages on as `message` events; a console adapter subscribes to those.
import { decodeServerMessage } from "@nerves-hub-ts/protocol";
import type { LinkContext } from "./link-context.js";
import { TopicSession } from "./topic-session.js";

/** A TopicSession for `console` whose messages become link events. */
export function createConsoleSession(ctx: LinkContext): TopicSession {
  const { clock, config, events, warnOnce, log } = ctx;
  return new TopicSession("console", clock, config.rejoinAfterMs, {
    onMessage: (event, payload) => {
      events.emit({ type: "message", topic: "console", event, payload });
      const decoded = decodeServerMessage("console", event, payload);
      if (!decoded.ok || decoded.value.kind === "unknown") {
        warnOnce.warn(`console:${event}`, `unexpected ${event} on the console topic`, { event });
      }
    },
    onJoined: () => events.changed(),
    onLost: () => events.changed(),
    onJoinFailed: (e) => log.warn("hub refused the console join; rejoining later", { reason: e.kind }),
  });
}
