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
