// The link's configuration: the nerves_hub_link keys (device-client.md §8) the link itself reads, in
// camelCase, with the same defaults, checked once at start so a typo or a wrong type fails loudly
// instead of misbehaving. Keys for adapters (fwup, credentials, data path) are their factories' options.
import type { TlsOptions } from "@nerves-hub-ts/ports";
import {
  absentOr,
  array,
  bool,
  type Decoder,
  expecting,
  int,
  isRecord,
  num,
  oneOf,
  record,
  refine,
  str,
  strictObject,
  union,
} from "@nerves-hub-ts/protocol";

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
  fwupPublicKeys?: string[];
  requestFwupPublicKeys?: boolean;
  archivePublicKeys?: string[];
  requestArchivePublicKeys?: boolean;
  /** Join the `console` topic (nerves_hub_link `remote_iex`). */
  remoteConsole?: boolean;
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
  fwupPublicKeys: string[];
  requestFwupPublicKeys: boolean;
  archivePublicKeys: string[];
  requestArchivePublicKeys: boolean;
  remoteConsole: boolean;
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
    /** What is wrong, without the key: `must be a boolean (got 1)`. */
    readonly problem: string,
  ) {
    super(`config.${key} ${problem}`);
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
} as const;

// Secret values are never echoed back in an error.
const SECRET_KEYS = new Set(["ssl.key"]);

const nonEmpty = refine(str, (s) => s.length > 0, "a non-empty string");
const nonNegInt = refine(int, (n) => n >= 0, "a non-negative integer");
const posInt = refine(int, (n) => n > 0, "a positive integer");
const delayList = refine(array(nonNegInt), (l) => l.length > 0, "a non-empty list");
const strings = array(str);
const stringMap = record(str);
const tlsVersion = oneOf(["TLSv1.2", "TLSv1.3"]);
/** A key that may be absent, described as a whole when it is wrong. */
const key = <T>(expected: string, d: Decoder<T>) => absentOr(expecting(expected, d));

const LINK_CONFIG = strictObject({
  host: key("a non-empty host name or URL", nonEmpty),
  sni: key("a non-empty server name", nonEmpty),
  socket: absentOr(
    strictObject({
      url: key("a websocket URL", nonEmpty),
      headers: key("an object of string headers", stringMap),
      reconnectAfterMs: key("a non-empty list of non-negative integers (ms)", delayList),
    }),
  ),
  ssl: absentOr(
    strictObject({
      cert: key("a string", str),
      key: key("a string", str),
      ca: key("a list of PEM strings", strings),
      privateKeyEngine: key("a string", str),
      privateKeyIdentifier: key("a string", str),
      servername: key("a string", str),
      rejectUnauthorized: key("a boolean", bool),
      minVersion: key(`"TLSv1.2" or "TLSv1.3"`, tlsVersion),
      maxVersion: key(`"TLSv1.2" or "TLSv1.3"`, tlsVersion),
    }),
  ),
  serializer: key(`"json" or "msgpack"`, oneOf(["json", "msgpack"])),
  compress: key("a boolean", bool),
  heartbeatIntervalMs: key("a non-negative integer (ms)", nonNegInt),
  rejoinAfterMs: key("a non-negative integer or a non-empty list of them (ms)", union(nonNegInt, delayList)),
  connect: key("a boolean", bool),
  connectWaitForNetwork: key("a boolean", bool),
  proxy: key("a proxy URL", nonEmpty),
  connectTimeoutMs: key("a positive integer (ms)", posInt),
  backoff: absentOr(
    strictObject({
      minMs: key("a positive integer (ms)", posInt),
      maxMs: key("a positive integer (ms)", posInt),
      jitter: key(
        "a number from 0 to 1",
        refine(num, (n) => n >= 0 && n <= 1, "a number from 0 to 1"),
      ),
      stableAfterMs: key("a non-negative integer", nonNegInt),
    }),
  ),
  maxRedirects: key("a non-negative integer", nonNegInt),
  // nerves_hub_link drops non-string keys rather than refusing them; a config file is better off failing.
  fwupPublicKeys: key("a list of strings", strings),
  requestFwupPublicKeys: key("a boolean", bool),
  archivePublicKeys: key("a list of strings", strings),
  requestArchivePublicKeys: key("a boolean", bool),
  remoteConsole: key("a boolean", bool),
  extensions: key("an object of extension name -> version string", stringMap),
});

/** The value at a dotted path, for the error message. */
function valueAt(input: unknown, path: string): unknown {
  let v = input;
  for (const k of path.split(".")) v = isRecord(v) ? v[k] : undefined;
  return v;
}

const describe = (key: string, v: unknown): string =>
  SECRET_KEYS.has(key) ? "" : ` (got ${v === undefined ? "undefined" : JSON.stringify(v)})`;

function checkUrl(url: string | undefined, path: string, protocols: string[]): void {
  if (url === undefined) return;
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

/**
 * Checks a user config and fills in nerves_hub_link's defaults, then runs the Configurator.
 * Throws a ConfigError naming the first bad key.
 */
export function resolveConfig(input: unknown = {}, configurator?: Configurator): ResolvedLinkConfig {
  if (!isRecord(input)) throw new ConfigError("", "must be an object");
  const decoded = LINK_CONFIG(input, "");
  if (!decoded.ok) {
    const { field, expected, unknownField } = decoded.error;
    throw new ConfigError(
      field,
      unknownField
        ? "is not a known setting"
        : `must be ${expected}${describe(field, valueAt(input, field))}`,
    );
  }
  const c = decoded.value;
  checkUrl(c.socket?.url, "socket.url", ["ws:", "wss:"]);
  checkUrl(c.proxy, "proxy", ["http:", "https:"]);
  const backoff = { ...DEFAULTS.backoff, ...c.backoff };
  if (backoff.maxMs < backoff.minMs) {
    throw new ConfigError("backoff.maxMs", `must not be below backoff.minMs (${backoff.minMs})`);
  }
  const rejoin = c.rejoinAfterMs;
  const resolved: ResolvedLinkConfig = {
    host: c.host ?? DEFAULTS.host,
    sni: c.sni,
    socket: {
      url: c.socket?.url,
      headers: c.socket?.headers ?? {},
      reconnectAfterMs: c.socket?.reconnectAfterMs,
    },
    ssl: { ...(c.ssl as TlsOptions | undefined) },
    serializer: c.serializer ?? DEFAULTS.serializer,
    compress: c.compress ?? DEFAULTS.compress,
    heartbeatIntervalMs: c.heartbeatIntervalMs ?? DEFAULTS.heartbeatIntervalMs,
    rejoinAfterMs:
      rejoin === undefined ? [...DEFAULTS.rejoinAfterMs] : typeof rejoin === "number" ? [rejoin] : rejoin,
    connect: c.connect ?? DEFAULTS.connect,
    connectWaitForNetwork: c.connectWaitForNetwork ?? DEFAULTS.connectWaitForNetwork,
    proxy: c.proxy,
    connectTimeoutMs: c.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
    backoff,
    maxRedirects: c.maxRedirects ?? DEFAULTS.maxRedirects,
    fwupPublicKeys: c.fwupPublicKeys ?? [],
    requestFwupPublicKeys: c.requestFwupPublicKeys ?? false,
    archivePublicKeys: c.archivePublicKeys ?? [],
    requestArchivePublicKeys: c.requestArchivePublicKeys ?? false,
    remoteConsole: c.remoteConsole ?? false,
    extensions: c.extensions ?? {},
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
