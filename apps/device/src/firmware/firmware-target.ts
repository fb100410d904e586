// Where firmware goes: the sandbox (a checked file, nothing else touched) or fwup. A fwup target that
// is a block device is a real disk; the agent only writes one when the configuration says so.
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { rootCertificates } from "node:tls";
import {
  cachingStrategy,
  fwupInstaller,
  HttpDownloader,
  partsStrategy,
  sandboxInstaller,
  streamingStrategy,
} from "@nerves-hub-ts/firmware-fwup";
import { nodeSha256 } from "@nerves-hub-ts/platform-node";
import type { FirmwareInstaller, Logger, NetworkProbe, UpdateStrategy } from "@nerves-hub-ts/ports";
import type { AgentConfig, FirmwareTarget } from "../config/agent-config.js";
import { AgentConfigError } from "../config/config-error.js";

/** The file the sandbox writes each installed firmware to. */
export const SANDBOX_FILE = "firmware.fw";

/** Refuses a block-device fwup target unless `fwup_allow_block_device` is set. */
export async function checkFirmwareTarget(target: FirmwareTarget): Promise<void> {
  if (target.kind !== "fwup") return;
  const info = await stat(target.devpath).catch(() => undefined);
  if (info?.isBlockDevice() && !target.allowBlockDevice) {
    throw new AgentConfigError(
      "fwup_devpath",
      `${target.devpath} is a block device; fwup would overwrite it. Set fwup_allow_block_device to true if that is intended`,
    );
  }
}

export function firmwareInstaller(target: FirmwareTarget, logger: Logger): FirmwareInstaller {
  if (target.kind === "sandbox") return sandboxInstaller({ path: join(target.dir, SANDBOX_FILE) });
  return fwupInstaller({
    command: target.command,
    devpath: target.devpath,
    task: target.task,
    env: target.env,
    extraOptions: target.extraOptions,
    logger,
  });
}

export interface StrategyInput {
  config: AgentConfig;
  /** PEM CA bundle from `ssl.cacertfile`: trusted for downloads too, next to the system store. */
  caPem: string | undefined;
  logger: Logger;
  userAgent: string;
  /** Names the interface each download went out on. */
  networkProbe: NetworkProbe;
  /** Where the downloader reads HTTPS_PROXY and friends, as the transport does; default process.env. */
  env?: Record<string, string | undefined>;
}

export function updateStrategy(input: StrategyInput): UpdateStrategy {
  const { config, caPem, logger, userAgent, networkProbe, env } = input;
  const tls = {
    // Firmware often comes from a CDN with a public certificate even when the hub uses a private CA.
    ...(caPem ? { ca: [...rootCertificates, caPem] } : {}),
    ...(config.link.ssl?.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
  };
  const downloader = new HttpDownloader({
    tls,
    ...(config.link.proxy ? { proxy: config.link.proxy } : {}),
    userAgent,
    logger,
    networkProbe,
    ...(env ? { env } : {}),
  });
  const installer = firmwareInstaller(config.target, logger);
  switch (config.updater) {
    case "streaming":
      return streamingStrategy({ downloader, installer, hash: nodeSha256 });
    case "caching":
      return cachingStrategy({ downloader, installer, cacheDir: config.cacheDir, logger, hash: nodeSha256 });
    case "parts":
      return partsStrategy({ downloader, installer, cacheDir: config.cacheDir, logger, hash: nodeSha256 });
  }
}
