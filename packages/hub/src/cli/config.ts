// The `serve --config <json>` file: credentials and settings to preload into the hub.
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import {
  absentOr,
  array,
  bool,
  type Decoder,
  EXTENSION_NAMES,
  type ExtensionName,
  expecting,
  isRecord,
  num,
  object,
  oneOf,
  optional,
  refine,
  str,
} from "@nerves-hub-ts/protocol";

export interface HubConfigFile {
  productKeys: { key: string; secret: string }[];
  deviceKeys: { key: string; secret: string; identifier: string }[];
  /** Base64 Ed25519 public keys pushed as fwup/archive public keys. */
  signingKeys: string[];
  /** Signer CAs, by PEM file path (relative to the config file). */
  cas: { certPath: string; jitp: boolean }[];
  /** Pre-registered devices, optionally with their certificate file. */
  devices: { identifier: string; certPath?: string }[];
  extensions?: ExtensionName[];
  idleTimeoutMs?: number;
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  keepAliveTimeoutMs?: number;
  sharedSecrets?: boolean;
  /** Platform analytics (offers `logging`). */
  analytics?: boolean;
  healthIntervalMinutes?: number;
}

/** Timeouts the config file may set, passed to `startHub` as they are. */
export const TIMEOUT_KEYS = [
  "idleTimeoutMs",
  "headersTimeoutMs",
  "requestTimeoutMs",
  "keepAliveTimeoutMs",
] as const;

/** The config file is missing, unreadable or has a field of the wrong type. */
export class HubConfigError extends Error {
  override readonly name = "HubConfigError";
}

const nonEmpty = expecting(
  "a non-empty string",
  refine(str, (v) => v !== "", ""),
);
const positive = expecting(
  "a positive number",
  refine(num, (n) => n > 0, ""),
);
const boolean = expecting("a boolean", bool);
const listOf = <T>(item: Decoder<T>) => absentOr(array(item));

const CONFIG_FILE = object({
  productKeys: listOf(object({ key: nonEmpty, secret: nonEmpty })),
  deviceKeys: listOf(object({ key: nonEmpty, secret: nonEmpty, identifier: nonEmpty })),
  signingKeys: optional(expecting("a list of strings", array(str))),
  cas: listOf(object({ certPath: nonEmpty, jitp: absentOr(boolean) })),
  devices: listOf(object({ identifier: nonEmpty, certPath: absentOr(nonEmpty) })),
  extensions: absentOr(
    expecting(`a list of names from ${EXTENSION_NAMES.join(", ")}`, array(oneOf(EXTENSION_NAMES))),
  ),
  idleTimeoutMs: absentOr(positive),
  headersTimeoutMs: absentOr(positive),
  requestTimeoutMs: absentOr(positive),
  keepAliveTimeoutMs: absentOr(positive),
  healthIntervalMinutes: absentOr(positive),
  sharedSecrets: absentOr(boolean),
  analytics: absentOr(boolean),
});

export async function loadConfig(path: string): Promise<HubConfigFile> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, "utf8"));
  } catch (cause) {
    throw new HubConfigError(`cannot read config ${path}: ${(cause as Error).message}`, { cause });
  }
  if (!isRecord(raw)) throw new HubConfigError("the config must be a JSON object");
  const decoded = CONFIG_FILE(raw, "");
  if (!decoded.ok) throw new HubConfigError(`${decoded.error.field} must be ${decoded.error.expected}`);
  const { productKeys, deviceKeys, signingKeys, cas, devices, ...settings } = decoded.value;
  const base = dirname(resolve(path));
  const rel = (p: string) => resolve(base, p);
  return {
    ...settings,
    productKeys: productKeys ?? [],
    deviceKeys: deviceKeys ?? [],
    signingKeys: signingKeys ?? [],
    cas: (cas ?? []).map((ca) => ({ certPath: rel(ca.certPath), jitp: ca.jitp === true })),
    devices: (devices ?? []).map((d) => ({
      identifier: d.identifier,
      ...(d.certPath !== undefined ? { certPath: rel(d.certPath) } : {}),
    })),
  };
}
