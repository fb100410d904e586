// Composition: one shared transport, clock, downloader and sandbox installer for the whole fleet,
// identities from the chosen auth mode, and the hub to point at (the embedded one when none is named).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PemCredential } from "@nerves-hub-ts/dev-pki";
import { cachingStrategy, HttpDownloader, streamingStrategy } from "@nerves-hub-ts/firmware-fwup";
import { MemoryInstaller } from "@nerves-hub-ts/link/testing";
import { nodeClock, nodeRandom, nodeSha256, tcpNetworkProbe } from "@nerves-hub-ts/platform-node";
import type { Logger, UpdateStrategy } from "@nerves-hub-ts/ports";
import { wsTransport } from "@nerves-hub-ts/transport-ws";
import { type FirmwareFacts, initialFirmware } from "./firmware-facts.js";
import { Fleet } from "./fleet.js";
import { type EmbeddedHub, startEmbeddedHub } from "./hub/embedded-hub.js";
import type { HubControl } from "./hub/hub-control.js";
import { operatorApiControl } from "./hub/operator-api-control.js";
import {
  certificateIdentities,
  type IdentitySource,
  type ProductKey,
  sharedSecretIdentities,
} from "./identities.js";

/** A hub somewhere else, and what the simulator needs to use it. */
export interface RemoteHub {
  /** `wss://host:port` (or ws://); the auth mode picks the socket path. */
  url: string;
  /** PEM CAs for a hub certificate outside the system store. */
  caPems?: string[];
  productKey?: ProductKey;
  /** A signer CA the hub trusts for device certificates (cert auth). */
  signer?: PemCredential;
  operator?: { url: string; token: string };
}

export interface SimulationOptions {
  devices: number;
  rampPerSecond: number;
  concurrency: number;
  auth: "shared-secret" | "cert";
  serializer: "json" | "msgpack";
  heartbeatIntervalMs: number;
  /** Offer permessage-deflate (off by default: zlib state per socket costs memory at fleet scale). */
  compress: boolean;
  rebootDelayMs: number;
  /**
   * How updates are fetched (firmware-fwup's strategies): `streaming` pipes the download into the
   * sandbox; `caching` downloads to a per-device temporary file first, then applies it.
   */
  strategy: "streaming" | "caching";
  /** fwup signing keys devices start with; none asks the hub at join. */
  publicKeys: string[];
  identifierPrefix: string;
  firmwareVersion: string;
  hub?: RemoteHub;
  /** Bearer token for the embedded hub's operator API (random when absent). */
  operatorToken?: string;
  /** Receives every device's link and update logs (prefixed with its identifier). */
  log?: (line: string) => void;
}

export const DEFAULT_OPTIONS: SimulationOptions = {
  devices: 3,
  rampPerSecond: 100,
  concurrency: 100,
  auth: "shared-secret",
  serializer: "json",
  heartbeatIntervalMs: 30_000,
  compress: false,
  rebootDelayMs: 250,
  strategy: "streaming",
  publicKeys: [],
  identifierPrefix: "sim",
  firmwareVersion: "1.0.0",
};

/** A simulator setting that cannot work; the message says which flag to fix. */
export class SimulatorConfigError extends Error {
  override readonly name = "SimulatorConfigError";
}

export interface Simulation {
  fleet: Fleet;
  options: SimulationOptions;
  firmware: FirmwareFacts;
  hubUrl: string;
  /** The operator API, when there is one. */
  operatorUrl: string | undefined;
  control: HubControl | undefined;
  embedded: EmbeddedHub | undefined;
  /** Every install the sandbox performed (size, SHA-256, verdict). */
  installer: MemoryInstaller;
  close(): Promise<void>;
}

export async function openSimulation(options: SimulationOptions): Promise<Simulation> {
  const embedded = options.hub
    ? undefined
    : await startEmbeddedHub(options.operatorToken ? { operatorToken: options.operatorToken } : {});
  let strategy: FleetStrategy | undefined;
  try {
    const remote = options.hub;
    const hubUrl = embedded?.url ?? (remote as RemoteHub).url;
    const caPems = embedded ? [embedded.ca.certPem] : remote?.caPems;
    const identities = identitySource(options, embedded, remote);
    const control =
      embedded?.control ??
      (remote?.operator
        ? operatorApiControl({ ...remote.operator, ...(caPems ? { ca: caPems } : {}) })
        : undefined);
    const installer = new MemoryInstaller();
    const downloader = new HttpDownloader({
      userAgent: USER_AGENT,
      networkProbe: tcpNetworkProbe(),
      ...(caPems ? { tls: { ca: caPems } } : {}),
    });
    strategy = await updateStrategy(options.strategy, downloader, installer);
    const cleanUp = strategy.cleanUp;
    const firmware = initialFirmware(options.firmwareVersion);
    const fleet = new Fleet({
      count: options.devices,
      rampPerSecond: options.rampPerSecond,
      concurrency: options.concurrency,
      identities,
      firmware,
      identifierPrefix: options.identifierPrefix,
      env: {
        link: {
          host: hubUrl,
          ...(caPems ? { ssl: { ca: caPems } } : {}),
          serializer: options.serializer,
          compress: options.compress,
          heartbeatIntervalMs: options.heartbeatIntervalMs,
        },
        transport: wsTransport(),
        clock: nodeClock,
        random: nodeRandom,
        strategy: strategy.forDevice,
        publicKeys: options.publicKeys,
        rebootDelayMs: options.rebootDelayMs,
        ...(options.log ? { logger: prefixedLogger(options.log) } : {}),
      },
    });
    return {
      fleet,
      options,
      firmware,
      hubUrl,
      operatorUrl: embedded?.hub.operatorUrl ?? remote?.operator?.url,
      control,
      embedded,
      installer,
      async close() {
        await fleet.stop();
        await embedded?.close();
        await cleanUp();
      },
    };
  } catch (e) {
    await embedded?.close();
    await strategy?.cleanUp();
    throw e;
  }
}

const USER_AGENT = "nerves-hub-ts-simulator";

/** The fleet's update strategy; caching gives each device its own cache directory under a temporary root. */
interface FleetStrategy {
  forDevice: UpdateStrategy | ((identifier: string) => UpdateStrategy);
  cleanUp(): Promise<void>;
}

async function updateStrategy(
  kind: SimulationOptions["strategy"],
  downloader: HttpDownloader,
  installer: MemoryInstaller,
): Promise<FleetStrategy> {
  if (kind === "streaming") {
    return {
      forDevice: streamingStrategy({ downloader, installer, hash: nodeSha256 }),
      cleanUp: async () => {},
    };
  }
  const root = await mkdtemp(join(tmpdir(), "nerves-hub-sim-"));
  return {
    forDevice: (identifier) =>
      cachingStrategy({ downloader, installer, hash: nodeSha256, cacheDir: join(root, identifier) }),
    cleanUp: () => rm(root, { recursive: true, force: true }),
  };
}

function identitySource(
  options: SimulationOptions,
  embedded: EmbeddedHub | undefined,
  remote: RemoteHub | undefined,
): IdentitySource {
  if (options.auth === "cert") {
    const signer = embedded?.ca ?? remote?.signer;
    if (!signer) {
      throw new SimulatorConfigError(
        "--auth cert against another hub needs --signer-cert and --signer-key (a CA that hub trusts for device certificates)",
      );
    }
    return certificateIdentities(signer, nodeClock);
  }
  const product = embedded?.productKey ?? remote?.productKey;
  if (!product) {
    throw new SimulatorConfigError(
      "shared-secret auth against another hub needs --product-key and --product-secret",
    );
  }
  return sharedSecretIdentities(product, nodeClock);
}

function prefixedLogger(log: (line: string) => void): (identifier: string) => Logger {
  return (identifier) => {
    const line = (level: string) => (msg: string, fields?: Record<string, unknown>) =>
      log(
        `${identifier} ${level} ${msg}${fields && Object.keys(fields).length ? ` ${JSON.stringify(fields)}` : ""}`,
      );
    return { debug: () => {}, info: line("info"), warn: line("warn"), error: line("error") };
  };
}
