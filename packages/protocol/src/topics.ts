/** The three topics a device joins. The server rewrites `device` to `device:<id>` internally. */
export const Topic = { device: "device", console: "console", extensions: "extensions" } as const;
export type TopicName = (typeof Topic)[keyof typeof Topic];

/** Statuses the server's in-flight update accepts in `status_update` (anything else crashes its channel). */
export const UPDATE_STATUSES = [
  "requested",
  "rescheduled",
  "ignored",
  "received",
  "started",
  "downloading",
  "updating",
  "completed",
  "failed",
  "expired",
] as const;
export type UpdateStatus = (typeof UPDATE_STATUSES)[number];

/** Progress stages a device reports in `fwup_progress` / `update_progress`. */
export const PROGRESS_STAGES = ["downloading", "updating"] as const;
export type ProgressStage = (typeof PROGRESS_STAGES)[number];

/** Network-identity services the server stores; others are dropped server-side. */
export const NETWORK_IDENTITY_SERVICES = ["iroh", "netbird", "tailscale", "wireguard"] as const;

/** Extension names and the version every current one speaks. */
export const EXTENSION_NAMES = ["health", "geo", "network_identity", "local_shell", "logging"] as const;
export type ExtensionName = (typeof EXTENSION_NAMES)[number];
export const EXTENSION_VERSION = "0.0.1";
