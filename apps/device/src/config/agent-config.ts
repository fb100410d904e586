// The agent's typed configuration, built from the merged setting values: computed defaults filled in,
// settings that only make sense together checked together, and the link's own validation run early
// so that every mistake shows up before anything connects. The flat nerves_hub_link keys for fwup,
// credentials and the data path are settings of the app, handed to the adapters that read them.
import { isAbsolute, relative, resolve, sep } from "node:path";
import { ConfigError, type LinkConfig, resolveConfig } from "@nerves-hub-ts/link";
import { AgentConfigError } from "./config-error.js";
import type { SettingValues } from "./setting-values.js";

export type IdentifierSource =
  | { kind: "literal"; value: string }
  | { kind: "file"; path: string }
  | { kind: "command"; command: string };

/** PEM text inline or a file path. */
export type PemInput = { pem: string } | { path: string };

export type FirmwareMetadataSource =
  | { kind: "file"; path: string }
  | { kind: "fw_printenv"; printenvCommand: string; setenvCommand: string };

export type FirmwareTarget =
  | { kind: "sandbox"; dir: string }
  | {
      kind: "fwup";
      command: string;
      devpath: string;
      allowBlockDevice: boolean;
      task: string;
      env: Record<string, string>;
      extraOptions: string[];
    };

export interface UpdatePolicy {
  mode: "apply" | "ask";
  decisionTimeoutMs: number;
  fallback: "apply" | "ignore" | "reschedule";
  rescheduleMs: number;
}

export interface RebootPolicy {
  mode: "reboot" | "ask";
  decisionTimeoutMs: number;
  fallback: "now" | "defer";
  deferMs: number;
}

export interface AgentConfig {
  /** What goes to createDeviceLink (the CA file is read and added at start). */
  link: LinkConfig;
  auth: "shared_secret" | "certificate";
  /** Where the device identifier comes from; required for shared-secret auth. */
  identifier: IdentifierSource | undefined;
  sharedSecret: {
    key?: string;
    secret?: string;
    productKey?: string;
    productSecret?: string;
    keyDigest: "sha256" | "sha384" | "sha512";
    keyIterations: number;
    keyLength: number;
  };
  certificate: { cert: PemInput; key: PemInput };
  /** CA certificates that verify the hub; undefined means the system store. */
  caCertFile: string | undefined;
  dataPath: string;
  firmwareMetadata: FirmwareMetadataSource;
  target: FirmwareTarget;
  /** How firmware is fetched: kept on disk (resumable across restarts) or streamed. */
  updater: "caching" | "parts" | "streaming";
  cacheDir: string;
  controlSocket: string;
  updatePolicy: UpdatePolicy;
  rebootPolicy: RebootPolicy;
  /** Shell command that reboots; undefined logs the reboot instead. */
  rebootCommand: string | undefined;
  logLevel: "debug" | "info" | "warn" | "error";
}

export function buildAgentConfig(values: SettingValues): AgentConfig {
  const get = <T>(key: string): T | undefined => values.get(key)?.value as T | undefined;
  const need = <T>(key: string): T => {
    const v = get<T>(key);
    if (v === undefined) throw new AgentConfigError(key, "is required");
    return v;
  };
  const sourceOf = (key: string) => values.get(key)?.source;
  const setComputed = (key: string, value: unknown) => {
    if (!values.has(key) && value !== undefined) values.set(key, { value, source: "default (computed)" });
  };

  const dataPath = need<string>("data_path");
  const hasSharedKey =
    get("shared_secret.key") !== undefined || get("shared_secret.product_key") !== undefined;
  setComputed("auth", hasSharedKey ? "shared_secret" : "certificate");
  const auth = need<AgentConfig["auth"]>("auth");

  const identifier = identifierSource(values);
  const sharedSecret = {
    key: get<string>("shared_secret.key"),
    secret: get<string>("shared_secret.secret"),
    productKey: get<string>("shared_secret.product_key"),
    productSecret: get<string>("shared_secret.product_secret"),
    keyDigest: need<"sha256" | "sha384" | "sha512">("shared_secret.key_digest"),
    keyIterations: need<number>("shared_secret.key_iterations"),
    keyLength: need<number>("shared_secret.key_length"),
  };
  if (auth === "shared_secret") checkSharedSecret(sharedSecret, identifier, sourceOf("auth"));

  const certificate = {
    cert: pemInput(values, "ssl.cert", "ssl.certfile", `${dataPath}/cert.pem`),
    key: pemInput(values, "ssl.key", "ssl.keyfile", `${dataPath}/key.pem`),
  };

  const targetKind = need<"sandbox" | "fwup">("firmware_target");
  setComputed("sandbox_dir", `${dataPath}/sandbox`);
  setComputed("firmware_cache_dir", `${dataPath}/firmware`);
  setComputed("reboot_command", targetKind === "fwup" ? "reboot" : undefined);
  const target: FirmwareTarget =
    targetKind === "sandbox"
      ? { kind: "sandbox", dir: need("sandbox_dir") }
      : {
          kind: "fwup",
          command: need("fwup_command"),
          devpath: need("fwup_devpath"),
          allowBlockDevice: need("fwup_allow_block_device"),
          task: need("fwup_task"),
          env: need("fwup_env"),
          extraOptions: need("fwup_extra_options"),
        };

  const metadataKind = need<"file" | "fw_printenv">("firmware_metadata");
  const firmwareMetadata: FirmwareMetadataSource =
    metadataKind === "file"
      ? { kind: "file", path: need("firmware_metadata_file") }
      : {
          kind: "fw_printenv",
          printenvCommand: need("fw_printenv_command"),
          setenvCommand: need("fw_setenv_command"),
        };

  checkCacheDir(need("firmware_cache_dir"), sourceOf("firmware_cache_dir"), dataPath, certificate);

  const link = linkConfig(values);
  try {
    resolveConfig(link);
  } catch (e) {
    // The link config is built from settings of the same name (host, sni, socket.url, proxy).
    if (!(e instanceof ConfigError)) throw e;
    throw new AgentConfigError(e.key, e.problem, sourceOf(e.key));
  }

  return {
    link,
    auth,
    identifier,
    sharedSecret,
    certificate,
    caCertFile: get("ssl.cacertfile"),
    dataPath,
    firmwareMetadata,
    target,
    updater: need("updater"),
    cacheDir: need("firmware_cache_dir"),
    controlSocket: need("control_socket"),
    updatePolicy: {
      mode: need("update_policy"),
      decisionTimeoutMs: need("update_decision_timeout_ms"),
      fallback: need("update_fallback"),
      rescheduleMs: need("update_reschedule_ms"),
    },
    rebootPolicy: {
      mode: need("reboot_policy"),
      decisionTimeoutMs: need("reboot_decision_timeout_ms"),
      fallback: need("reboot_fallback"),
      deferMs: need("reboot_defer_ms"),
    },
    rebootCommand: get("reboot_command"),
    logLevel: need("log_level"),
  };
}

/**
 * The firmware cache removes what it wrote there; a folder it shares with the device's state or
 * identity is refused all the same, so a slip of the config can never put those at risk.
 */
function checkCacheDir(
  cacheDir: string,
  source: string | undefined,
  dataPath: string,
  identity: AgentConfig["certificate"],
): void {
  const inside = (path: string) => {
    const rel = relative(resolve(cacheDir), resolve(path));
    return rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
  };
  const refuse = (why: string) => {
    throw new AgentConfigError(
      "firmware_cache_dir",
      `${why}; give the firmware cache a folder of its own, such as ${dataPath}/firmware`,
      source,
    );
  };
  if (resolve(cacheDir) === resolve(dataPath)) refuse(`${cacheDir} is data_path`);
  if (inside(dataPath)) refuse(`${cacheDir} holds data_path (${dataPath})`);
  for (const [key, pem] of [
    ["ssl.certfile", identity.cert],
    ["ssl.keyfile", identity.key],
  ] as const) {
    if ("path" in pem && inside(pem.path)) refuse(`${cacheDir} holds ${key} (${pem.path})`);
  }
}

function identifierSource(values: SettingValues): IdentifierSource | undefined {
  const set = (["identifier", "identifier_file", "identifier_command"] as const).filter((k) => values.has(k));
  if (set.length > 1) {
    const [first, second] = set as [string, string];
    throw new AgentConfigError(
      second,
      `conflicts with ${first} (${values.get(first)?.source}); give only one identifier source`,
      values.get(second)?.source,
    );
  }
  const value = (k: string) => values.get(k)?.value as string;
  switch (set[0]) {
    case "identifier":
      return { kind: "literal", value: value("identifier") };
    case "identifier_file":
      return { kind: "file", path: value("identifier_file") };
    case "identifier_command":
      return { kind: "command", command: value("identifier_command") };
    default:
      return undefined;
  }
}

function checkSharedSecret(
  s: AgentConfig["sharedSecret"],
  identifier: IdentifierSource | undefined,
  authSource: string | undefined,
): void {
  const key = s.key ?? s.productKey;
  if (key === undefined) {
    throw new AgentConfigError(
      "shared_secret.key",
      "is required for shared-secret auth (or set shared_secret.product_key)",
      authSource,
    );
  }
  // nerves_hub_link signs a key starting with nhp_ with the product secret, any other with the device secret.
  const secretKey = key.startsWith("nhp_") ? "shared_secret.product_secret" : "shared_secret.secret";
  const secret = key.startsWith("nhp_") ? s.productSecret : s.secret;
  if (secret === undefined) {
    throw new AgentConfigError(secretKey, `is required: the key ${key} needs it`);
  }
  if (identifier === undefined) {
    throw new AgentConfigError(
      "identifier",
      "is required for shared-secret auth (set identifier, identifier_file or identifier_command)",
    );
  }
}

function pemInput(values: SettingValues, inlineKey: string, fileKey: string, fallback: string): PemInput {
  const inline = values.get(inlineKey);
  const file = values.get(fileKey);
  if (inline && file) {
    throw new AgentConfigError(
      inlineKey,
      `conflicts with ${fileKey} (${file.source}); give only one`,
      inline.source,
    );
  }
  if (inline) return { pem: inline.value as string };
  if (!file) values.set(fileKey, { value: fallback, source: "default (computed)" });
  return { path: (file?.value as string | undefined) ?? fallback };
}

function linkConfig(values: SettingValues): LinkConfig {
  const get = <T>(key: string): T => values.get(key)?.value as T;
  const reconnect = get<number[] | undefined>("socket.reconnect_after_msec");
  const url = get<string | undefined>("socket.url");
  const config: LinkConfig = {
    host: get("host"),
    serializer: get("serializer"),
    compress: get("compress"),
    heartbeatIntervalMs: get("heartbeat_interval_msec"),
    rejoinAfterMs: get("rejoin_after"),
    connect: get("connect"),
    connectWaitForNetwork: get("connect_wait_for_network"),
    fwupPublicKeys: get("fwup_public_keys"),
    requestFwupPublicKeys: get("request_fwup_public_keys"),
  };
  if (url !== undefined || reconnect !== undefined) {
    config.socket = {};
    if (url !== undefined) config.socket.url = url;
    if (reconnect !== undefined) config.socket.reconnectAfterMs = reconnect;
  }
  const sni = get<string | undefined>("sni");
  if (sni !== undefined) config.sni = sni;
  const proxy = get<string | undefined>("proxy");
  if (proxy !== undefined) config.proxy = proxy;
  if (get("ssl.verify") === "verify_none") config.ssl = { rejectUnauthorized: false };
  return config;
}
