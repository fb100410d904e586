// StreamingUpdater: the download goes straight into the installer; nothing touches the disk.
// Progress is fwup's only (`updating`), as upstream.
import type { Downloader, FirmwareInstaller, UpdateStrategy } from "@nerves-hub-ts/ports";
import { normalizeSha256, type Sha256Factory } from "@nerves-hub-ts/update";
import { beginInstall } from "./begin-install.js";
import { installVerified } from "./verified-install.js";

export interface StreamingStrategyOptions {
  downloader: Downloader;
  installer: FirmwareInstaller;
  /** Verifies the firmware: `nodeSha256` from @nerves-hub-ts/platform-node on Node, or `pureSha256`. */
  hash: Sha256Factory;
}

export function streamingStrategy(options: StreamingStrategyOptions): UpdateStrategy {
  return {
    name: "streaming",
    run: (job) => {
      const { offer } = job;
      const checksum = normalizeSha256(offer.checksum);
      const session = beginInstall(options.installer, job, offer.size, checksum);
      const chunks = options.downloader.download({
        url: offer.firmware_url,
        ...(offer.size !== undefined ? { totalSize: offer.size } : {}),
        signal: job.signal,
        onConnection: (c) => job.onConnection(c),
      });
      return installVerified({ chunks, session, size: offer.size, checksum, hash: options.hash }, job.signal);
    },
  };
}
