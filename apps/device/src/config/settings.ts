// Every setting the agent reads, in one table: the key (nerves_hub_link's name where one exists), its
// type, its default and whether it is secret. Files, environment variables, flags, --print-config,
// the README's table and the error messages are all derived from it, so they cannot drift apart.

export type SettingKind =
  | { type: "string" }
  | { type: "path" }
  | { type: "int"; min: number }
  | { type: "bool" }
  | { type: "enum"; values: readonly string[] }
  | { type: "list" }
  | { type: "int-list" }
  | { type: "map" };

export interface Setting {
  /** Dotted key as written in the config file, e.g. `shared_secret.key`. */
  key: string;
  kind: SettingKind;
  /** Default value; undefined means unset. Defaults that depend on other keys are filled in later. */
  default?: unknown;
  /** How the README shows a computed default. */
  defaultText?: string;
  /** Masked in --print-config, never echoed in errors. */
  secret?: boolean;
  doc: string;
}

const str = { type: "string" } as const;
const path = { type: "path" } as const;
const bool = { type: "bool" } as const;
const list = { type: "list" } as const;
const int = (min: number) => ({ type: "int", min }) as const;
const oneOf = (...values: string[]) => ({ type: "enum", values }) as const;

export const SETTINGS: readonly Setting[] = [
  // --- connection (nerves_hub_link names) ---
  { key: "host", kind: str, default: "localhost", doc: "Hub host (`hub.example.com:4001`) or a full URL" },
  { key: "sni", kind: str, doc: "TLS server name, when it differs from the host" },
  { key: "socket.url", kind: str, doc: "Full websocket URL; wins over `host`" },
  {
    key: "socket.reconnect_after_msec",
    kind: { type: "int-list" },
    doc: "Fixed reconnect delays (ms) instead of the jittered 1 s … 60 s backoff",
  },
  { key: "serializer", kind: oneOf("json", "msgpack"), default: "json", doc: "Wire format" },
  { key: "compress", kind: bool, default: true, doc: "Offer permessage-deflate" },
  { key: "heartbeat_interval_msec", kind: int(0), default: 30_000, doc: "Phoenix heartbeat; 0 disables" },
  { key: "rejoin_after", kind: { type: "int-list" }, default: [5_000], doc: "Topic rejoin delays (ms)" },
  { key: "connect", kind: bool, default: true, doc: "false: start without connecting" },
  { key: "connect_wait_for_network", kind: bool, default: true, doc: "TCP-probe the hub before connecting" },
  { key: "proxy", kind: str, doc: "HTTP(S) proxy URL for the websocket (else HTTPS_PROXY)" },
  // --- authentication ---
  {
    key: "auth",
    kind: oneOf("shared_secret", "certificate"),
    defaultText: "`shared_secret` when a shared-secret key is set, else `certificate`",
    doc: "How the device authenticates",
  },
  { key: "identifier", kind: str, doc: "Device identifier (shared secret), literally" },
  { key: "identifier_file", kind: path, doc: "…or read from this file (trimmed)" },
  { key: "identifier_command", kind: str, doc: "…or the trimmed output of this shell command" },
  { key: "shared_secret.key", kind: str, doc: "Device key (`nhd_…`)" },
  { key: "shared_secret.secret", kind: str, secret: true, doc: "Device secret" },
  { key: "shared_secret.product_key", kind: str, doc: "Product key (`nhp_…`); the hub creates the device" },
  { key: "shared_secret.product_secret", kind: str, secret: true, doc: "Product secret" },
  {
    key: "shared_secret.key_digest",
    kind: oneOf("sha256", "sha384", "sha512"),
    default: "sha256",
    doc: "PBKDF2 digest",
  },
  { key: "shared_secret.key_iterations", kind: int(1), default: 1_000, doc: "PBKDF2 iterations" },
  { key: "shared_secret.key_length", kind: int(1), default: 32, doc: "Derived key length (bytes)" },
  { key: "ssl.certfile", kind: path, defaultText: "`<data_path>/cert.pem`", doc: "Device certificate" },
  { key: "ssl.keyfile", kind: path, defaultText: "`<data_path>/key.pem`", doc: "Device private key" },
  { key: "ssl.cert", kind: str, doc: "Device certificate as PEM text (instead of `ssl.certfile`)" },
  { key: "ssl.key", kind: str, secret: true, doc: "Private key as PEM text (instead of `ssl.keyfile`)" },
  { key: "ssl.cacertfile", kind: path, defaultText: "system CA store", doc: "CAs that verify the hub" },
  {
    key: "ssl.verify",
    kind: oneOf("verify_peer", "verify_none"),
    default: "verify_peer",
    doc: "`verify_none` skips the hub certificate check (development only)",
  },
  // --- firmware ---
  {
    key: "data_path",
    kind: path,
    default: "/data/nerves-hub",
    doc: "Agent state: resume bookkeeping, default certificate files",
  },
  {
    key: "firmware_metadata",
    kind: oneOf("file", "fw_printenv"),
    default: "file",
    doc: "Where the running firmware's `nerves_fw_*` metadata comes from",
  },
  {
    key: "firmware_metadata_file",
    kind: path,
    default: "/etc/nh-device/firmware.json",
    doc: "JSON object of `nerves_fw_*` strings (source `file`)",
  },
  {
    key: "fw_printenv_command",
    kind: str,
    default: "fw_printenv",
    doc: "U-Boot env reader (source `fw_printenv`)",
  },
  { key: "fw_setenv_command", kind: str, default: "fw_setenv", doc: "U-Boot env writer, for `mark-valid`" },
  {
    key: "firmware_target",
    kind: oneOf("sandbox", "fwup"),
    default: "sandbox",
    doc: "`sandbox` checks and stores firmware in a file and never reboots on its own; `fwup` installs it",
  },
  {
    key: "updater",
    kind: oneOf("caching", "parts", "streaming"),
    default: "caching",
    doc: "`caching` and `parts` keep the download on disk and resume it after a restart; `streaming` feeds the installer directly",
  },
  {
    key: "firmware_cache_dir",
    kind: path,
    defaultText: "`<data_path>/firmware`",
    doc: "Download cache for `caching` and `parts`, kept in its own `nh-firmware-cache` folder; not `data_path` itself nor a folder holding it or the identity files",
  },
  {
    key: "sandbox_dir",
    kind: path,
    defaultText: "`<data_path>/sandbox`",
    doc: "Where `sandbox` writes firmware",
  },
  { key: "fwup_command", kind: str, default: "fwup", doc: "fwup executable" },
  { key: "fwup_devpath", kind: path, default: "/dev/mmcblk0", doc: "fwup `-d` target" },
  {
    key: "fwup_allow_block_device",
    kind: bool,
    default: false,
    doc: "Allow `fwup_devpath` to be a block device (a real disk)",
  },
  { key: "fwup_task", kind: str, default: "upgrade", doc: "fwup `--task`" },
  { key: "fwup_env", kind: { type: "map" }, default: {}, doc: "Extra environment for fwup (`K=V,K=V`)" },
  { key: "fwup_extra_options", kind: list, default: [], doc: "Extra fwup arguments" },
  {
    key: "fwup_public_keys",
    kind: list,
    default: [],
    doc: "Base64 Ed25519 firmware signing keys; empty asks the hub",
  },
  { key: "request_fwup_public_keys", kind: bool, default: false, doc: "Always ask the hub for keys" },
  // --- the local application ---
  {
    key: "control_socket",
    kind: path,
    default: "/run/nh-device/control.sock",
    doc: "Unix socket for the device application and `nh-device ctl`",
  },
  {
    key: "update_policy",
    kind: oneOf("apply", "ask"),
    default: "apply",
    doc: "`apply` installs offered updates (skipping the running firmware); `ask` asks the controller",
  },
  {
    key: "update_decision_timeout_ms",
    kind: int(1),
    default: 30_000,
    doc: "How long the controller has to answer `update_available`",
  },
  {
    key: "update_fallback",
    kind: oneOf("apply", "ignore", "reschedule"),
    default: "apply",
    doc: "The answer when no controller answers in time",
  },
  {
    key: "update_reschedule_ms",
    kind: int(1),
    default: 300_000,
    doc: "Delay for a `reschedule` fallback (or an answer without `delay_ms`)",
  },
  {
    key: "reboot_policy",
    kind: oneOf("reboot", "ask"),
    default: "reboot",
    doc: "`reboot` reboots at once; `ask` asks the controller",
  },
  {
    key: "reboot_decision_timeout_ms",
    kind: int(1),
    default: 30_000,
    doc: "How long the controller has to answer `reboot`",
  },
  { key: "reboot_fallback", kind: oneOf("now", "defer"), default: "now", doc: "When nobody answers" },
  { key: "reboot_defer_ms", kind: int(1), default: 600_000, doc: "Delay for a `defer` without `delay_ms`" },
  {
    key: "reboot_command",
    kind: str,
    defaultText: "`reboot` for `fwup`; none for `sandbox` (reboots are logged)",
    doc: "Shell command that reboots the device",
  },
  {
    key: "log_level",
    kind: oneOf("debug", "info", "warn", "error"),
    default: "info",
    doc: "Threshold for the JSON log on stderr",
  },
];

export const SETTINGS_BY_KEY: ReadonlyMap<string, Setting> = new Map(SETTINGS.map((s) => [s.key, s]));

/** `shared_secret.product_key` -> `NH_SHARED_SECRET_PRODUCT_KEY`. */
export const envName = (key: string): string => `NH_${key.toUpperCase().replace(/\./g, "_")}`;

/** `shared_secret.product_key` -> `--shared-secret-product-key`. */
export const flagName = (key: string): string => `--${key.replace(/[._]/g, "-")}`;
