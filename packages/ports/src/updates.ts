import type { Outgoing, ServerPayload } from "@nerves-hub-ts/protocol";

/** Pushes a message on a joined topic; false when it could not be sent (not joined: dropped). */
export type Push = (message: Outgoing) => boolean;

/** What an update observer sees (for apps: progress bars, control sockets). */
export type UpdateEvent =
  | { type: "received"; uuid: string | null; version: string | null }
  | { type: "decision"; action: "apply" | "ignore" | "reschedule"; reason?: string }
  | { type: "progress"; stage: "downloading" | "updating"; percent: number }
  | { type: "installed"; uuid: string | null }
  | { type: "failed"; reason: string }
  | { type: "reboot-pending" };

/**
 * Port between the DeviceLink and the update subsystem. The link routes `update` and key messages
 * here and asks for the values it puts in the join params.
 */
export interface UpdateHandler {
  /** An `update` arrived on the `device` topic (including `update_available: false`). */
  handleUpdate(payload: ServerPayload<"device", "update">): void;
  /** Keys from `fwup_public_keys`; a list without a usable key never replaces the current keys. */
  setPublicKeys(keys: string[]): void;
  /** True when no signing keys are configured, so the join asks the server for them. */
  needsPublicKeys(): boolean;
  /** UUID of the update in progress (join param `currently_downloading_uuid`), else null. */
  currentlyDownloadingUuid(): string | null;
  status(): "idle" | "updating";
  /** Subscribes to update events; returns an unsubscribe function. */
  subscribe(listener: (event: UpdateEvent) => void): () => void;
  /** Stops any running update cleanly, persisting resume state. */
  stop(): Promise<void>;
}
