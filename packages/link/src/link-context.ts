import type { Alarms, Clock, Logger } from "@nerves-hub-ts/ports";
import type { ClientCalls } from "./client-calls.js";
import type { ResolvedLinkConfig } from "./config.js";
import type { LinkEvents } from "./link-events.js";
import type { WarnOnce } from "./warn-once.js";

/** What every part of the link shares: config, time, logs, alarms, the app's Client and the events. */
export interface LinkContext {
  readonly config: ResolvedLinkConfig;
  readonly clock: Clock;
  readonly log: Logger;
  readonly warnOnce: WarnOnce;
  readonly alarms: Alarms;
  readonly client: ClientCalls;
  readonly events: LinkEvents;
}
