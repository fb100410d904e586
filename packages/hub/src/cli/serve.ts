// `nerves-hub-dev serve`: a hub with credentials from a config file and firmware from a directory.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { createCa, createServerCert } from "@nerves-hub-ts/dev-pki";
import type { Logger } from "pino";
import { type Hub, startHub } from "../hub.js";
import { loadConfig, TIMEOUT_KEYS } from "./config.js";

export interface ServeOptions {
  host: string;
  port: number;
  tls: boolean;
  /** A directory written by `certs` (ca.pem, server.pem, server-key.pem); without it TLS certs are made in memory. */
  certDir?: string;
  firmwareDir?: string;
  configPath?: string;
  operatorToken?: string;
  /** Listen backlog (HubOptions.backlog). */
  backlog?: number;
  logger: Logger;
}

async function serverCredentials(
  options: ServeOptions,
): Promise<{ certPem: string; keyPem: string; caPem: string }> {
  if (options.certDir) {
    const read = (name: string) => readFile(join(options.certDir as string, name), "utf8");
    return {
      certPem: await read("server.pem"),
      keyPem: await read("server-key.pem"),
      caPem: await read("ca.pem"),
    };
  }
  const ca = await createCa({ commonName: "nerves-hub-dev ephemeral CA" });
  const server = await createServerCert(ca, {
    commonName: options.host,
    altNames: ["localhost", "127.0.0.1", "::1", options.host],
  });
  return { ...server, caPem: ca.certPem };
}

/** Loads `*.fw` files; an optional `<file>.json` beside each holds its metadata (version, product…). */
async function loadFirmwareDir(hub: Hub, dir: string, log: Logger): Promise<void> {
  for (const name of (await readdir(dir)).filter((n) => n.endsWith(".fw")).sort()) {
    const meta = await readFile(join(dir, `${name}.json`), "utf8").then(
      (text) => JSON.parse(text) as Record<string, string>,
      () => ({ description: name }),
    );
    const record = await hub.addFirmware(join(dir, name), meta);
    log.info({ file: name, uuid: record.uuid, size: record.size }, "firmware loaded");
  }
}

export async function serve(options: ServeOptions): Promise<{ hub: Hub; lines: string[] }> {
  const config = options.configPath ? await loadConfig(options.configPath) : undefined;
  const tls = options.tls ? await serverCredentials(options) : undefined;
  const hub = await startHub({
    host: options.host,
    port: options.port,
    tls: tls ? { certPem: tls.certPem, keyPem: tls.keyPem } : false,
    logger: options.logger,
    ...(options.operatorToken ? { operatorToken: options.operatorToken } : {}),
    ...(options.backlog !== undefined ? { backlog: options.backlog } : {}),
    ...(config?.extensions ? { extensions: config.extensions } : {}),
    ...Object.fromEntries(TIMEOUT_KEYS.flatMap((key) => (config?.[key] ? [[key, config[key]]] : []))),
    ...(config?.sharedSecrets !== undefined ? { sharedSecrets: config.sharedSecrets } : {}),
    ...(config?.analytics !== undefined ? { analytics: config.analytics } : {}),
    ...(config?.healthIntervalMinutes ? { healthIntervalMinutes: config.healthIntervalMinutes } : {}),
  });
  try {
    // The CA from a `certs` directory also signs the devices: register it for JITP.
    if (tls && options.certDir) hub.registerCa(tls.caPem, { jitp: true });
    for (const ca of config?.cas ?? [])
      hub.registerCa(await readFile(ca.certPath, "utf8"), { jitp: ca.jitp });
    for (const d of config?.devices ?? []) {
      hub.registerDevice(d.identifier, d.certPath ? { certPem: await readFile(d.certPath, "utf8") } : {});
    }
    for (const k of config?.productKeys ?? []) hub.addProductKey(k.key, k.secret);
    for (const k of config?.deviceKeys ?? []) hub.addDeviceKey(k.key, k.secret, k.identifier);
    for (const k of config?.signingKeys ?? []) hub.addSigningKey(k);
    if (options.firmwareDir) await loadFirmwareDir(hub, options.firmwareDir, options.logger);
  } catch (error) {
    await hub.close();
    throw error;
  }
  const lines = [
    `device socket: ${hub.deviceUrl()}  (shared secret: ${hub.deviceUrl("/device-socket/websocket")})`,
    `operator API:  ${hub.operatorUrl}  (Authorization: Bearer ${hub.operatorToken})`,
    `events:        ${hub.operatorUrl}/events`,
  ];
  return { hub, lines };
}
