import type { Alarms } from "@nerves-hub-ts/ports";

/** An in-memory alarm registry; also a test double. */
export class MemoryAlarms implements Alarms {
  readonly active = new Map<string, string>();
  set(id: string, description = "[]"): void {
    this.active.set(id, description);
  }
  clear(id: string): void {
    this.active.delete(id);
  }
  isSet(id: string): boolean {
    return this.active.has(id);
  }
}
