// The `extensions` topic (device-client.md §7.1): joined when the hub asks with `extensions:get`;
// names in the join reply are attached, `<name>:<event>` messages go to that Extension. Only names
// an Extension handles are offered: an attached name with no handler would leave the hub's
// requests (health checks, location requests) unanswered.

import type { Connection, Extension, Logger, PushReply } from "@nerves-hub-ts/ports";
import { extensionsJoinParams, extensionsTopic, splitExtensionEvent } from "@nerves-hub-ts/protocol";
import type { TopicSession } from "./topic-session.js";
import type { WarnOnce } from "./warn-once.js";

/** Routes the extensions topic between the hub and the registered Extensions. */
export class ExtensionsHost {
  private readonly registered = new Map<string, Extension>();
  private readonly attached = new Set<string>();
  /** The latest `<name>:attached` push per name: only a reply to that one can detach the name. */
  private readonly attachPushes = new Map<string, object>();
  private readonly versions: Record<string, string> = {};
  private session?: TopicSession;

  constructor(
    extensions: Extension[],
    configured: Record<string, string>,
    private readonly log: Logger,
    private readonly warnOnce: WarnOnce,
  ) {
    for (const ext of extensions) {
      this.registered.set(ext.name, ext);
      this.versions[ext.name] = configured[ext.name] ?? ext.version;
    }
    const unhandled = Object.keys(configured).filter((name) => !this.registered.has(name));
    if (unhandled.length > 0)
      log.warn("configured extensions have no handler on this device; not offered", { unhandled });
  }

  /** The join params: each registered Extension with its version (a configured one wins). */
  offered(): Record<string, string> {
    return extensionsJoinParams(this.versions);
  }

  bind(session: TopicSession): void {
    this.session = session;
  }

  /** `extensions:get` arrived: (re)join the topic. */
  join(conn: Connection): void {
    this.detachAll();
    this.session?.join(conn, this.offered());
  }

  /** The join reply lists the names to attach; anything else is logged and ignored. */
  joined(response: unknown): void {
    if (!Array.isArray(response) || !response.every((n) => typeof n === "string")) {
      this.log.warn("extensions join reply is not a list of names; nothing attached", {
        reply: typeof response,
      });
      return;
    }
    for (const name of response) this.attach(name);
  }

  message(event: string, payload: unknown): void {
    if (event === "attach" || event === "detach") {
      const names = this.names((payload as { extensions?: unknown } | null)?.extensions);
      if (names === undefined) {
        this.warnOnce.warn(`ext-${event}`, `malformed extensions ${event} from the hub; ignored`);
        return;
      }
      for (const name of names) {
        if (event === "attach") this.attach(name);
        else this.detach(name, true);
      }
      return;
    }
    const split = splitExtensionEvent(event);
    const ext = split && this.attached.has(split[0]) ? this.registered.get(split[0]) : undefined;
    if (!split || !ext) {
      this.warnOnce.warn(`ext-event:${event}`, "extension event for no attached extension; ignored", {
        event,
      });
      return;
    }
    try {
      ext.handle(split[1], payload);
    } catch (e) {
      this.log.error(`extension ${ext.name} failed handling ${split[1]}`, { error: String(e) });
    }
  }

  /** The topic or the connection went away: every extension is detached locally. */
  detachAll(): void {
    for (const name of [...this.attached]) this.detach(name, false);
  }

  private names(list: unknown): string[] | undefined {
    if (list === "all") return Object.keys(this.offered());
    if (typeof list === "string") return [list];
    if (Array.isArray(list) && list.every((n) => typeof n === "string")) return list;
    return undefined;
  }

  private attach(name: string): void {
    const session = this.session;
    if (!session) return;
    const ext = this.registered.get(name);
    if (!ext) {
      const msg = extensionsTopic.error(name, "unknown_extension");
      session.push(msg.event, msg.payload);
      return;
    }
    const msg = extensionsTopic.attached(name);
    const attachPush = {};
    this.attachPushes.set(name, attachPush);
    session.push(msg.event, msg.payload, (reply) => this.attachReplied(name, attachPush, reply));
    if (this.attached.has(name)) return;
    this.attached.add(name);
    const push = (event: string, payload: unknown): boolean =>
      this.attached.has(name) &&
      session.push(event.startsWith(`${name}:`) ? event : `${name}:${event}`, payload);
    try {
      ext.attached(push);
    } catch (e) {
      this.log.error(`extension ${name} failed to attach`, { error: String(e) });
    }
  }

  /** The hub answers `detach` to an `<name>:attached` it will not serve (device-client.md §7.1). */
  private attachReplied(name: string, attachPush: object, reply: PushReply): void {
    if (reply.status !== "error" || reply.response !== "detach") return;
    if (this.attachPushes.get(name) !== attachPush) return;
    this.log.warn(`the hub will not serve extension ${name}; detached`);
    this.detach(name, true);
  }

  private detach(name: string, tellHub: boolean): void {
    this.attachPushes.delete(name);
    if (tellHub) {
      const msg = extensionsTopic.detached(name);
      this.session?.push(msg.event, msg.payload);
    }
    if (!this.attached.delete(name)) return;
    try {
      this.registered.get(name)?.detached();
    } catch (e) {
      this.log.error(`extension ${name} failed to detach`, { error: String(e) });
    }
  }
}
