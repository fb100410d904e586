/** Alarm ids nerves_hub_link raises; kept identical so dashboards read the same. */
export const AlarmId = {
  disconnected: "NervesHubLink.Disconnected",
  updateInProgress: "NervesHubLink.UpdateInProgress",
  firmwareReverted: "NervesHubLink.FirmwareReverted",
} as const;

/** Port: a de-duplicating alarm registry (set twice = one alarm). */
export interface Alarms {
  set(id: string, description?: string): void;
  clear(id: string): void;
}

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
