// The `serve --config <json>` file: credentials and settings to preload into the hub.
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { EXTENSION_NAMES, type ExtensionName } from "@nerves-hub-ts/protocol";

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

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function list(value: unknown, field: string): Obj[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every(isObj))
    throw new HubConfigError(`${field} must be a list of objects`);
  return value;
}

function str(o: Obj, key: string, field: string): string {
  const v = o[key];
  if (typeof v !== "string" || v === "")
    throw new HubConfigError(`${field}.${key} must be a non-empty string`);
  return v;
}

export async function loadConfig(path: string): Promise<HubConfigFile> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, "utf8"));
  } catch (cause) {
    throw new HubConfigError(`cannot read config ${path}: ${(cause as Error).message}`, { cause });
  }
  if (!isObj(raw)) throw new HubConfigError("the config must be a JSON object");
  const base = dirname(resolve(path));
  const rel = (p: string) => resolve(base, p);
  const signingKeys = raw.signingKeys ?? [];
  if (!Array.isArray(signingKeys) || !signingKeys.every((k) => typeof k === "string")) {
    throw new HubConfigError("signingKeys must be a list of strings");
  }
  const extensions = raw.extensions;
  if (
    extensions !== undefined &&
    (!Array.isArray(extensions) ||
      !extensions.every((e) => (EXTENSION_NAMES as readonly unknown[]).includes(e)))
  ) {
    throw new HubConfigError(`extensions must list names from ${EXTENSION_NAMES.join(", ")}`);
  }
  for (const key of [...TIMEOUT_KEYS, "healthIntervalMinutes"] as const) {
    if (raw[key] !== undefined && !(typeof raw[key] === "number" && raw[key] > 0)) {
      throw new HubConfigError(`${key} must be a positive number`);
    }
  }
  for (const key of ["sharedSecrets", "analytics"] as const) {
    if (raw[key] !== undefined && typeof raw[key] !== "boolean") {
      throw new HubConfigError(`${key} must be a boolean`);
    }
  }
  return {
    productKeys: list(raw.productKeys, "productKeys").map((o, i) => ({
      key: str(o, "key", `productKeys[${i}]`),
      secret: str(o, "secret", `productKeys[${i}]`),
    })),
    deviceKeys: list(raw.deviceKeys, "deviceKeys").map((o, i) => ({
      key: str(o, "key", `deviceKeys[${i}]`),
      secret: str(o, "secret", `deviceKeys[${i}]`),
      identifier: str(o, "identifier", `deviceKeys[${i}]`),
    })),
    signingKeys: signingKeys as string[],
    cas: list(raw.cas, "cas").map((o, i) => ({
      certPath: rel(str(o, "certPath", `cas[${i}]`)),
      jitp: o.jitp === true,
    })),
    devices: list(raw.devices, "devices").map((o, i) => ({
      identifier: str(o, "identifier", `devices[${i}]`),
      ...(typeof o.certPath === "string" ? { certPath: rel(o.certPath) } : {}),
    })),
    ...(extensions ? { extensions: extensions as ExtensionName[] } : {}),
    ...Object.fromEntries(
      TIMEOUT_KEYS.filter((key) => typeof raw[key] === "number").map((key) => [key, raw[key]]),
    ),
    ...(typeof raw.sharedSecrets === "boolean" ? { sharedSecrets: raw.sharedSecrets } : {}),
    ...(typeof raw.analytics === "boolean" ? { analytics: raw.analytics } : {}),
    ...(typeof raw.healthIntervalMinutes === "number"
      ? { healthIntervalMinutes: raw.healthIntervalMinutes }
      : {}),
  };
}
