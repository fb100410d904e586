import type { Push, UpdateEvent, UpdateHandler } from "@nerves-hub-ts/ports";
import type { ServerPayload } from "@nerves-hub-ts/protocol";

/** An UpdateHandler that records what the link routes to it; also a test double. */
export class MemoryUpdateHandler implements UpdateHandler {
  readonly updates: ServerPayload<"device", "update">[] = [];
  readonly keySets: string[][] = [];
  keys: string[];
  downloadingUuid: string | null = null;
  stopped = false;
  private listeners = new Set<(event: UpdateEvent) => void>();

  constructor(
    /** The Push the link handed over, for tests that send statuses through it. */
    readonly push: Push = () => false,
    keys: string[] = [],
  ) {
    this.keys = [...keys];
  }

  handleUpdate(payload: ServerPayload<"device", "update">): void {
    this.updates.push(payload);
  }
  setPublicKeys(keys: string[]): void {
    this.keySets.push(keys);
    if (keys.length > 0) this.keys = [...keys];
  }
  needsPublicKeys(): boolean {
    return this.keys.length === 0;
  }
  currentlyDownloadingUuid(): string | null {
    return this.downloadingUuid;
  }
  status(): "idle" | "updating" {
    return this.downloadingUuid === null ? "idle" : "updating";
  }
  subscribe(listener: (event: UpdateEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  /** Sends an event to subscribers, as a real handler would. */
  emit(event: UpdateEvent): void {
    for (const l of this.listeners) l(event);
  }
  async stop(): Promise<void> {
    this.stopped = true;
  }
}
