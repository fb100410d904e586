// The link's configuration: nerves_hub_link's keys (device-client.md §8) in camelCase, with the same
// defaults, checked once at start so a typo or a wrong type fails loudly instead of misbehaving.
import type { TlsOptions } from "@nerves-hub-ts/ports";

/** Shared-secret credentials (nerves_hub_link `shared_secret:`), for the app to build its Identity from. */
export interface SharedSecretConfig {
  key?: string;
  secret?: string;
  productKey?: string;
  productSecret?: string;
  identifier?: string;
  keyDigest?: "sha256" | "sha384" | "sha512";
  keyIterations?: number;
  keyLength?: number;
}

/** Reconnect timing: exponential from `minMs` to `maxMs`, each delay inflated by up to `jitter`. */
export interface BackoffConfig {
  minMs?: number;
  maxMs?: number;
  /** 0.5 means each delay is multiplied by a random factor in [1, 1.5). */
  jitter?: number;
  /** A connection must stay joined this long before the attempt count resets to zero. */
  stableAfterMs?: number;
}

/** What a user writes. Every key is optional; see README.md for the nerves_hub_link names. */
export interface LinkConfig {
  /** Hub host (`"hub.example.com:4001"`) or a full URL; `wss://` is assumed. */
  host?: string;
  /** TLS server name override (SNI and certificate check). */
  sni?: string;
  socket?: {
    /** A full websocket URL; wins over `host`. */
    url?: string;
    /** Extra upgrade headers (an Identity's headers win on a clash). */
    headers?: Record<string, string>;
    /** A fixed reconnect delay list (ms), used as is instead of the jittered backoff. */
    reconnectAfterMs?: number[];
  };
  /** TLS overrides, merged over what the Identity supplies. */
  ssl?: TlsOptions;
  serializer?: "json" | "msgpack";
  /** Offer permessage-deflate. */
  compress?: boolean;
  /** Phoenix heartbeat period in ms; 0 disables heartbeats. */
  heartbeatIntervalMs?: number;
  /** Delay before rejoining a topic after a join error or `phx_error`; a list is indexed by attempt. */
  rejoinAfterMs?: number | number[];
  /** false: the link does nothing at all. */
  connect?: boolean;
  /** Probe the hub with a plain TCP connect before the first attempt, retrying until it answers. */
  connectWaitForNetwork?: boolean;
  /** HTTP(S) proxy URL for the websocket (CONNECT tunnel). Without it the transport may use HTTPS_PROXY. */
  proxy?: string;
  connectTimeoutMs?: number;
  backoff?: BackoffConfig;
  /** Consecutive redirects followed before going back to the configured URL. */
  maxRedirects?: number;
  sharedSecret?: SharedSecretConfig;
  fwupPublicKeys?: string[];
  requestFwupPublicKeys?: boolean;
  archivePublicKeys?: string[];
  requestArchivePublicKeys?: boolean;
  fwupDevpath?: string;
  fwupTask?: string;
  fwupEnv?: Record<string, string>;
  fwupExtraOptions?: string[];
  dataPath?: string;
  /** Join the `console` topic (nerves_hub_link `remote_iex`). */
  remoteConsole?: boolean;
  /** Console inactivity timeout in seconds (`remote_iex_timeout`). */
  remoteConsoleTimeoutS?: number;
  /** Versions offered for registered Extensions (name -> version); a name no Extension handles is not offered. */
  extensions?: Record<string, string>;
}

/** The configuration with every default filled in. */
export interface ResolvedLinkConfig {
  host: string;
  sni: string | undefined;
  socket: {
    url: string | undefined;
    headers: Record<string, string>;
    reconnectAfterMs: number[] | undefined;
  };
  ssl: TlsOptions;
  serializer: "json" | "msgpack";
  compress: boolean;
  heartbeatIntervalMs: number;
  rejoinAfterMs: number[];
  connect: boolean;
  connectWaitForNetwork: boolean;
  proxy: string | undefined;
  connectTimeoutMs: number;
  backoff: Required<BackoffConfig>;
  maxRedirects: number;
  sharedSecret: SharedSecretConfig;
  fwupPublicKeys: string[];
  requestFwupPublicKeys: boolean;
  archivePublicKeys: string[];
  requestArchivePublicKeys: boolean;
  fwupDevpath: string;
  fwupTask: string;
  fwupEnv: Record<string, string>;
  fwupExtraOptions: string[];
  dataPath: string;
  remoteConsole: boolean;
  remoteConsoleTimeoutS: number;
  extensions: Record<string, string>;
}

/** A user hook run once over the resolved config (nerves_hub_link's Configurator `build/1`). */
export interface Configurator {
  build(config: ResolvedLinkConfig): ResolvedLinkConfig;
}

/** A config value that is missing, unknown or of the wrong shape. `key` is a path like `backoff.minMs`. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`config.${key} ${message}`);
  }
}

const DEFAULTS = {
  host: "localhost",
  serializer: "json",
  compress: true,
  heartbeatIntervalMs: 30_000,
  rejoinAfterMs: [5_000],
  connect: true,
  connectWaitForNetwork: true,
  connectTimeoutMs: 20_000,
  backoff: { minMs: 1_000, maxMs: 60_000, jitter: 0.5, stableAfterMs: 30_000 },
  maxRedirects: 2,
  fwupDevpath: "/dev/mmcblk0",
  fwupTask: "upgrade",
  dataPath: "/data/nerves-hub",
  remoteConsoleTimeoutS: 300,
} as const;

const TOP_KEYS = new Set([
  "host",
  "sni",
  "socket",
  "ssl",
  "serializer",
  "compress",
  "heartbeatIntervalMs",
  "rejoinAfterMs",
  "connect",
  "connectWaitForNetwork",
  "proxy",
  "connectTimeoutMs",
  "backoff",
  "maxRedirects",
  "sharedSecret",
  "fwupPublicKeys",
  "requestFwupPublicKeys",
  "archivePublicKeys",
  "requestArchivePublicKeys",
  "fwupDevpath",
  "fwupTask",
  "fwupEnv",
  "fwupExtraOptions",
  "dataPath",
  "remoteConsole",
  "remoteConsoleTimeoutS",
  "extensions",
]);

// Secret values are never echoed back in an error.
const SECRET_KEYS = new Set(["sharedSecret.secret", "sharedSecret.productSecret", "ssl.key"]);

const describe = (key: string, v: unknown): string =>
  SECRET_KEYS.has(key) ? "" : ` (got ${v === undefined ? "undefined" : JSON.stringify(v)})`;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function checkKeys(obj: Record<string, unknown>, allowed: readonly string[], prefix: string): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) throw new ConfigError(`${prefix}${k}`, `is not a known setting`);
  }
}

function optional<T>(
  obj: Record<string, unknown>,
  key: string,
  path: string,
  check: (v: unknown) => v is T,
  expected: string,
): T | undefined {
  const v = obj[key];
  if (v === undefined) return undefined;
  if (!check(v)) throw new ConfigError(path, `must be ${expected}${describe(path, v)}`);
  return v;
}

const isString = (v: unknown): v is string => typeof v === "string";
const isNonEmptyString = (v: unknown): v is string => typeof v === "string" && v.length > 0;
const isBool = (v: unknown): v is boolean => typeof v === "boolean";
const isNonNegInt = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isPosInt = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) > 0;
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);
const isStringMap = (v: unknown): v is Record<string, string> =>
  isObject(v) && Object.values(v).every(isString);
const isDelayList = (v: unknown): v is number[] => Array.isArray(v) && v.length > 0 && v.every(isNonNegInt);

function checkUrl(url: string, path: string, protocols: string[]): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(path, `must be a URL${describe(path, url)}`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(path, `must use ${protocols.join(" or ")}${describe(path, url)}`);
  }
}

function resolveSocket(v: unknown): ResolvedLinkConfig["socket"] {
  if (v === undefined) return { url: undefined, headers: {}, reconnectAfterMs: undefined };
  if (!isObject(v)) throw new ConfigError("socket", "must be an object");
  checkKeys(v, ["url", "headers", "reconnectAfterMs"], "socket.");
  const url = optional(v, "url", "socket.url", isNonEmptyString, "a websocket URL");
  if (url !== undefined) checkUrl(url, "socket.url", ["ws:", "wss:"]);
  return {
    url,
    headers: optional(v, "headers", "socket.headers", isStringMap, "an object of string headers") ?? {},
    reconnectAfterMs: optional(
      v,
      "reconnectAfterMs",
      "socket.reconnectAfterMs",
      isDelayList,
      "a non-empty list of non-negative integers (ms)",
    ),
  };
}

function resolveSsl(v: unknown): TlsOptions {
  if (v === undefined) return {};
  if (!isObject(v)) throw new ConfigError("ssl", "must be an object");
  checkKeys(
    v,
    [
      "cert",
      "key",
      "ca",
      "privateKeyEngine",
      "privateKeyIdentifier",
      "servername",
      "rejectUnauthorized",
      "minVersion",
      "maxVersion",
    ],
    "ssl.",
  );
  for (const k of ["cert", "key", "privateKeyEngine", "privateKeyIdentifier", "servername"]) {
    optional(v, k, `ssl.${k}`, isString, "a string");
  }
  optional(v, "ca", "ssl.ca", isStringArray, "a list of PEM strings");
  optional(v, "rejectUnauthorized", "ssl.rejectUnauthorized", isBool, "a boolean");
  const isVersion = (x: unknown): x is string => x === "TLSv1.2" || x === "TLSv1.3";
  optional(v, "minVersion", "ssl.minVersion", isVersion, `"TLSv1.2" or "TLSv1.3"`);
  optional(v, "maxVersion", "ssl.maxVersion", isVersion, `"TLSv1.2" or "TLSv1.3"`);
  return { ...(v as TlsOptions) };
}

function resolveBackoff(v: unknown): Required<BackoffConfig> {
  if (v === undefined) return { ...DEFAULTS.backoff };
  if (!isObject(v)) throw new ConfigError("backoff", "must be an object");
  checkKeys(v, ["minMs", "maxMs", "jitter", "stableAfterMs"], "backoff.");
  const minMs = optional(v, "minMs", "backoff.minMs", isPosInt, "a positive integer (ms)");
  const maxMs = optional(v, "maxMs", "backoff.maxMs", isPosInt, "a positive integer (ms)");
  const isJitter = (x: unknown): x is number => typeof x === "number" && x >= 0 && x <= 1;
  const jitter = optional(v, "jitter", "backoff.jitter", isJitter, "a number from 0 to 1");
  const stable = optional(v, "stableAfterMs", "backoff.stableAfterMs", isNonNegInt, "a non-negative integer");
  const out = {
    minMs: minMs ?? DEFAULTS.backoff.minMs,
    maxMs: maxMs ?? DEFAULTS.backoff.maxMs,
    jitter: jitter ?? DEFAULTS.backoff.jitter,
    stableAfterMs: stable ?? DEFAULTS.backoff.stableAfterMs,
  };
  if (out.maxMs < out.minMs) {
    throw new ConfigError("backoff.maxMs", `must not be below backoff.minMs (${out.minMs})`);
  }
  return out;
}

function resolveSharedSecret(v: unknown): SharedSecretConfig {
  if (v === undefined) return {};
  if (!isObject(v)) throw new ConfigError("sharedSecret", "must be an object");
  const strings = ["key", "secret", "productKey", "productSecret", "identifier"];
  checkKeys(v, [...strings, "keyDigest", "keyIterations", "keyLength"], "sharedSecret.");
  for (const k of strings) optional(v, k, `sharedSecret.${k}`, isNonEmptyString, "a non-empty string");
  const isDigest = (x: unknown): x is string => x === "sha256" || x === "sha384" || x === "sha512";
  optional(v, "keyDigest", "sharedSecret.keyDigest", isDigest, `"sha256", "sha384" or "sha512"`);
  optional(v, "keyIterations", "sharedSecret.keyIterations", isPosInt, "a positive integer");
  optional(v, "keyLength", "sharedSecret.keyLength", isPosInt, "a positive integer");
  return { ...(v as SharedSecretConfig) };
}

/**
 * Checks a user config and fills in nerves_hub_link's defaults, then runs the Configurator.
 * Throws a ConfigError naming the first bad key.
 */
export function resolveConfig(input: unknown = {}, configurator?: Configurator): ResolvedLinkConfig {
  if (!isObject(input)) throw new ConfigError("", "must be an object");
  checkKeys(input, [...TOP_KEYS], "");
  const c = input;
  const host = optional(c, "host", "host", isNonEmptyString, "a non-empty host name or URL") ?? DEFAULTS.host;
  const proxy = optional(c, "proxy", "proxy", isNonEmptyString, "a proxy URL");
  if (proxy !== undefined) checkUrl(proxy, "proxy", ["http:", "https:"]);
  const serializer = optional(
    c,
    "serializer",
    "serializer",
    (v): v is "json" | "msgpack" => v === "json" || v === "msgpack",
    `"json" or "msgpack"`,
  );
  const rejoin = optional(
    c,
    "rejoinAfterMs",
    "rejoinAfterMs",
    (v): v is number | number[] => isNonNegInt(v) || isDelayList(v),
    "a non-negative integer or a non-empty list of them (ms)",
  );
  const resolved: ResolvedLinkConfig = {
    host,
    sni: optional(c, "sni", "sni", isNonEmptyString, "a non-empty server name"),
    socket: resolveSocket(c.socket),
    ssl: resolveSsl(c.ssl),
    serializer: serializer ?? DEFAULTS.serializer,
    compress: optional(c, "compress", "compress", isBool, "a boolean") ?? DEFAULTS.compress,
    heartbeatIntervalMs:
      optional(c, "heartbeatIntervalMs", "heartbeatIntervalMs", isNonNegInt, "a non-negative integer (ms)") ??
      DEFAULTS.heartbeatIntervalMs,
    rejoinAfterMs:
      rejoin === undefined ? [...DEFAULTS.rejoinAfterMs] : typeof rejoin === "number" ? [rejoin] : rejoin,
    connect: optional(c, "connect", "connect", isBool, "a boolean") ?? DEFAULTS.connect,
    connectWaitForNetwork:
      optional(c, "connectWaitForNetwork", "connectWaitForNetwork", isBool, "a boolean") ??
      DEFAULTS.connectWaitForNetwork,
    proxy,
    connectTimeoutMs:
      optional(c, "connectTimeoutMs", "connectTimeoutMs", isPosInt, "a positive integer (ms)") ??
      DEFAULTS.connectTimeoutMs,
    backoff: resolveBackoff(c.backoff),
    maxRedirects:
      optional(c, "maxRedirects", "maxRedirects", isNonNegInt, "a non-negative integer") ??
      DEFAULTS.maxRedirects,
    sharedSecret: resolveSharedSecret(c.sharedSecret),
    // nerves_hub_link drops non-string keys rather than refusing them; a config file is better off failing.
    fwupPublicKeys: optional(c, "fwupPublicKeys", "fwupPublicKeys", isStringArray, "a list of strings") ?? [],
    requestFwupPublicKeys:
      optional(c, "requestFwupPublicKeys", "requestFwupPublicKeys", isBool, "a boolean") ?? false,
    archivePublicKeys:
      optional(c, "archivePublicKeys", "archivePublicKeys", isStringArray, "a list of strings") ?? [],
    requestArchivePublicKeys:
      optional(c, "requestArchivePublicKeys", "requestArchivePublicKeys", isBool, "a boolean") ?? false,
    fwupDevpath:
      optional(c, "fwupDevpath", "fwupDevpath", isNonEmptyString, "a device path") ?? DEFAULTS.fwupDevpath,
    fwupTask: optional(c, "fwupTask", "fwupTask", isNonEmptyString, "a task name") ?? DEFAULTS.fwupTask,
    fwupEnv: optional(c, "fwupEnv", "fwupEnv", isStringMap, "an object of strings") ?? {},
    fwupExtraOptions:
      optional(c, "fwupExtraOptions", "fwupExtraOptions", isStringArray, "a list of strings") ?? [],
    dataPath: optional(c, "dataPath", "dataPath", isNonEmptyString, "a directory path") ?? DEFAULTS.dataPath,
    remoteConsole: optional(c, "remoteConsole", "remoteConsole", isBool, "a boolean") ?? false,
    remoteConsoleTimeoutS:
      optional(c, "remoteConsoleTimeoutS", "remoteConsoleTimeoutS", isPosInt, "a positive integer (s)") ??
      DEFAULTS.remoteConsoleTimeoutS,
    extensions:
      optional(c, "extensions", "extensions", isStringMap, "an object of extension name -> version string") ??
      {},
  };
  if (resolved.socket.url === undefined) hostUrl(resolved.host);
  return configurator ? configurator.build(resolved) : resolved;
}

/** `host` as a websocket URL: used as is when it has a scheme, else `wss://` is prepended. */
export function hostUrl(host: string): URL {
  const text = host.includes("://") ? host : `wss://${host}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError("host", `is not a host name or URL (got ${JSON.stringify(host)})`);
  }
  if (url.protocol !== "ws:" && url.protocol !== "wss:") {
    throw new ConfigError("host", `must use ws:// or wss:// (got ${JSON.stringify(host)})`);
  }
  return url;
}
