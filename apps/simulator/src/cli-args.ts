// The command line: a scenario and its flags, checked into typed settings with clear errors.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { type Decoder, intRange, num, oneOf, refine } from "@nerves-hub-ts/protocol";
import { DEFAULT_OPTIONS, type RemoteHub, type SimulationOptions } from "./simulation.js";

export const SCENARIOS = ["demo", "rollout", "storm", "soak"] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export const USAGE = `usage: simulator <demo|rollout|storm|soak> [flags]

  demo      a few devices, one generated release, the update told end to end
  rollout   N devices, deploy a release to all, time until every device runs it
  storm     N devices, the hub drops every connection, measure the reconnect spread
  soak      hold N devices for --duration, report memory and heartbeat drift

fleet:
  --devices N            simulated devices (demo 3, others 100)
  --ramp N               devices started per second (default 100)
  --concurrency N        first connects in flight at once (default 100)
  --auth MODE            shared-secret (default) or cert (a certificate per device)
  --serializer S         json (default) or msgpack
  --heartbeat SECONDS    phoenix heartbeat interval (default 30)
  --reboot-delay MS      how long a simulated reboot stays offline (default 250)
  --strategy S           streaming (download straight into the sandbox; default) or caching
                         (download to a temporary file, then apply; the demo's default)
  --compress             offer permessage-deflate (off: zlib per socket costs memory)
  --public-key B64       fwup signing key the devices start with (repeatable; default: ask the hub)
scenario:
  --firmware-size SIZE   generated release size, e.g. 1MiB, 512KiB (default 1MiB)
  --download-time S      demo: seconds each download should take (default 2.5)
  --duration S           soak: how long to hold the fleet (default 60)
  --timeout S            give up waiting after this long (default 60)
hub (default: an embedded hub in this process):
  --hub URL              wss://host:port of another hub
  --hub-ca FILE          PEM CA for that hub's certificate
  --product-key KEY      shared-secret product key (nhp_…)  --product-secret SECRET
  --signer-cert FILE     CA the hub trusts for device certificates (--auth cert)  --signer-key FILE
  --operator-url URL     that hub's operator API (https://host:port/api), needed by demo/rollout/storm
  --operator-token TOKEN its bearer token (with the embedded hub: the token to use)
output:
  --no-tty               plain lines even on a terminal
  --verbose              every device's link log on stderr
  --help`;

/** A command line that cannot run; the message names the flag. */
export class SimulatorUsageError extends Error {
  override readonly name = "SimulatorUsageError";
}

export interface CliSettings {
  scenario: ScenarioName;
  simulation: SimulationOptions;
  firmwareSize: number;
  downloadMs: number;
  durationMs: number;
  timeoutMs: number;
  tty: boolean | undefined;
  verbose: boolean;
}

export type CliCommand = { help: true } | ({ help: false } & CliSettings);

const FLAGS = {
  devices: { type: "string" },
  ramp: { type: "string" },
  concurrency: { type: "string" },
  auth: { type: "string" },
  serializer: { type: "string" },
  heartbeat: { type: "string" },
  "reboot-delay": { type: "string" },
  strategy: { type: "string" },
  compress: { type: "boolean" },
  "public-key": { type: "string", multiple: true },
  "firmware-size": { type: "string" },
  "download-time": { type: "string" },
  duration: { type: "string" },
  timeout: { type: "string" },
  hub: { type: "string" },
  "hub-ca": { type: "string" },
  "product-key": { type: "string" },
  "product-secret": { type: "string" },
  "signer-cert": { type: "string" },
  "signer-key": { type: "string" },
  "operator-url": { type: "string" },
  "operator-token": { type: "string" },
  "no-tty": { type: "boolean" },
  verbose: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

export function parseCli(argv: string[], readText: (path: string) => string = readUtf8): CliCommand {
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: typeof FLAGS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: FLAGS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new SimulatorUsageError((e as Error).message);
  }
  const { values: v, positionals } = parsed;
  if (v.help) return { help: true };
  const [scenario, ...extra] = positionals;
  if (!scenario) throw new SimulatorUsageError(`name a scenario: ${SCENARIOS.join(", ")}`);
  if (!(SCENARIOS as readonly string[]).includes(scenario))
    throw new SimulatorUsageError(`unknown scenario "${scenario}"; pick one of ${SCENARIOS.join(", ")}`);
  if (extra.length > 0) throw new SimulatorUsageError(`unexpected argument "${extra[0]}"`);
  const name = scenario as ScenarioName;

  const auth = choice(v.auth, "--auth", ["shared-secret", "cert"] as const) ?? DEFAULT_OPTIONS.auth;
  const simulation: SimulationOptions = {
    ...DEFAULT_OPTIONS,
    devices: int(v.devices, "--devices", 1) ?? (name === "demo" ? 3 : 100),
    rampPerSecond: positive(v.ramp, "--ramp") ?? DEFAULT_OPTIONS.rampPerSecond,
    concurrency: int(v.concurrency, "--concurrency", 1) ?? DEFAULT_OPTIONS.concurrency,
    auth,
    serializer:
      choice(v.serializer, "--serializer", ["json", "msgpack"] as const) ?? DEFAULT_OPTIONS.serializer,
    heartbeatIntervalMs: secondsToMs(v.heartbeat, "--heartbeat") ?? DEFAULT_OPTIONS.heartbeatIntervalMs,
    rebootDelayMs: int(v["reboot-delay"], "--reboot-delay", 0) ?? DEFAULT_OPTIONS.rebootDelayMs,
    compress: v.compress ?? false,
    strategy:
      choice(v.strategy, "--strategy", ["streaming", "caching"] as const) ??
      (name === "demo" ? "caching" : DEFAULT_OPTIONS.strategy),
    publicKeys: v["public-key"] ?? [],
    ...(v["operator-token"] && !v.hub ? { operatorToken: v["operator-token"] } : {}),
  };
  const hub = remoteHub(v, auth, readText);
  if (hub) simulation.hub = hub;
  return {
    help: false,
    scenario: name,
    simulation,
    firmwareSize: size(v["firmware-size"], "--firmware-size") ?? 1024 * 1024,
    downloadMs: secondsToMs(v["download-time"], "--download-time") ?? 2_500,
    durationMs: secondsToMs(v.duration, "--duration") ?? 60_000,
    timeoutMs: secondsToMs(v.timeout, "--timeout") ?? 60_000,
    tty: v["no-tty"] ? false : undefined,
    verbose: v.verbose ?? false,
  };
}

type Values = Partial<Record<keyof typeof FLAGS, string | boolean | string[]>>;

function remoteHub(v: Values, auth: string, readText: (path: string) => string): RemoteHub | undefined {
  const str = (k: keyof typeof FLAGS) => v[k] as string | undefined;
  const url = str("hub");
  const dependents = [
    "hub-ca",
    "product-key",
    "product-secret",
    "signer-cert",
    "signer-key",
    "operator-url",
  ] as const;
  if (!url) {
    const stray = dependents.find((k) => v[k] !== undefined);
    if (stray) throw new SimulatorUsageError(`--${stray} only applies with --hub`);
    return undefined;
  }
  let parsed: URL;
  try {
    parsed = new URL(url.includes("://") ? url : `wss://${url}`);
  } catch {
    throw new SimulatorUsageError(`--hub must be a ws:// or wss:// URL (got ${JSON.stringify(url)})`);
  }
  if (parsed.protocol !== "ws:" && parsed.protocol !== "wss:")
    throw new SimulatorUsageError(`--hub must be a ws:// or wss:// URL (got ${JSON.stringify(url)})`);
  const hub: RemoteHub = { url: `${parsed.protocol}//${parsed.host}` };
  const caPath = str("hub-ca");
  if (caPath) hub.caPems = [read(readText, caPath, "--hub-ca")];
  const key = str("product-key");
  const secret = str("product-secret");
  if ((key === undefined) !== (secret === undefined))
    throw new SimulatorUsageError("--product-key and --product-secret go together");
  if (key && secret) hub.productKey = { key, secret };
  const certPath = str("signer-cert");
  const keyPath = str("signer-key");
  if ((certPath === undefined) !== (keyPath === undefined))
    throw new SimulatorUsageError("--signer-cert and --signer-key go together");
  if (certPath && keyPath) {
    hub.signer = {
      certPem: read(readText, certPath, "--signer-cert"),
      keyPem: read(readText, keyPath, "--signer-key"),
    };
  }
  if (auth === "shared-secret" && !hub.productKey)
    throw new SimulatorUsageError("--hub with shared-secret auth needs --product-key and --product-secret");
  if (auth === "cert" && !hub.signer)
    throw new SimulatorUsageError("--hub with --auth cert needs --signer-cert and --signer-key");
  const operatorUrl = str("operator-url");
  const token = str("operator-token");
  if ((operatorUrl === undefined) !== (token === undefined))
    throw new SimulatorUsageError("--operator-url and --operator-token go together");
  if (operatorUrl && token) hub.operator = { url: operatorUrl, token };
  return hub;
}

function read(readText: (path: string) => string, path: string, flag: string): string {
  try {
    return readText(path);
  } catch (e) {
    throw new SimulatorUsageError(
      `${flag}: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? "error"})`,
    );
  }
}

function readUtf8(path: string): string {
  return readFileSync(path, "utf8");
}

/** A flag's value checked with a decoder (after `parse`); the error names the flag and what it must be. */
function flag<T>(
  value: unknown,
  name: string,
  expected: string,
  decoder: Decoder<T>,
  parse: (text: unknown) => unknown = (text) => text,
): T | undefined {
  if (value === undefined) return undefined;
  const r = decoder(parse(value), name);
  if (!r.ok) throw new SimulatorUsageError(`${name} must be ${expected} (got ${JSON.stringify(value)})`);
  return r.value;
}

function choice<const T extends string>(value: unknown, name: string, allowed: readonly T[]): T | undefined {
  return flag(value, name, allowed.join(" or "), oneOf(allowed));
}

function int(value: unknown, name: string, min: number): number | undefined {
  return flag(value, name, `an integer >= ${min}`, intRange(min, Number.MAX_SAFE_INTEGER), Number);
}

function positive(value: unknown, name: string): number | undefined {
  return flag(
    value,
    name,
    "a positive number",
    refine(num, (n) => n > 0, "a positive number"),
    Number,
  );
}

function secondsToMs(value: unknown, flag: string): number | undefined {
  const s = positive(value, flag);
  return s === undefined ? undefined : Math.round(s * 1000);
}

const UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  k: 1000,
  kb: 1000,
  kib: 1024,
  m: 1e6,
  mb: 1e6,
  mib: 1024 ** 2,
};

/** `1048576`, `512KiB`, `1MiB`, `2mb`. */
function size(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(String(value).trim());
  const unit = m ? UNITS[(m[2] ?? "").toLowerCase()] : undefined;
  const bytes = m && unit ? Math.round(Number(m[1]) * unit) : Number.NaN;
  if (!(bytes >= 1))
    throw new SimulatorUsageError(
      `${flag} must be a size like 1048576, 512KiB or 1MiB (got ${JSON.stringify(value)})`,
    );
  return bytes;
}
