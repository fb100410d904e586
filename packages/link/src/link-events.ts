// The link's observable side: the state snapshot apps read and the events subscribers receive.

import type { Logger } from "@nerves-hub-ts/ports";
import { errorText } from "./error-text.js";
import type { LinkError, LinkEvent, LinkState } from "./link-state.js";

/** The state minus `topics`, which are read live from the topic sessions. */
export type LinkSnapshot = Omit<LinkState, "topics">;

/** Holds the link's state and hands every event to each subscriber. */
export class LinkEvents {
  private snapshot: LinkSnapshot = { status: "idle", attempts: 0 };
  private readonly listeners = new Set<(event: LinkEvent) => void>();

  constructor(
    private readonly log: Logger,
    private readonly topics: () => LinkState["topics"],
  ) {}

  get current(): Readonly<LinkSnapshot> {
    return this.snapshot;
  }

  state(): LinkState {
    return { ...this.snapshot, topics: this.topics() };
  }

  subscribe(listener: (event: LinkEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Changes the state without telling subscribers; a later `set` or `changed` does. */
  update(patch: Partial<LinkSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
  }

  /** Changes the state and tells subscribers. */
  set(patch: Partial<LinkSnapshot>): void {
    this.update(patch);
    this.changed();
  }

  /** Tells subscribers the state changed (also when only a topic joined or left). */
  changed(): void {
    this.emit({ type: "state", state: this.state() });
  }

  /** Keeps `error` as the state's `lastError` and reports it. */
  error(error: LinkError): void {
    this.update({ lastError: error });
    this.emit({ type: "error", error });
  }

  /** A subscriber that throws is logged and skipped, so one bad listener cannot stall the link. */
  emit(event: LinkEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (e) {
        this.log.error("link subscriber failed", { error: errorText(e) });
      }
    }
  }
}
