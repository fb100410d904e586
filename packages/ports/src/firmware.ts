// Ports for downloading and installing firmware. The UpdateController drives an UpdateStrategy;
// the strategies in @nerves-hub-ts/firmware-fwup combine a Downloader with a FirmwareInstaller.
import type { ProgressStage } from "@nerves-hub-ts/protocol";
import type { UpdateOutcome } from "@nerves-hub-ts/update";
import type { FwupMessage, UpdateOffer } from "./client.js";

/** One HTTP connection a Downloader opened; each one is reported to the hub as `started`. */
export interface ConnectionInfo {
  /** The URL without its query string (which holds the signed credential). */
  url: string;
  /** First byte requested on this connection. */
  offset: number;
  /** 0 for the first attempt, then 1, 2, … for retries and resumes. */
  attempt: number;
  /** Local interface the connection went out on (`eth0`), when it can be told. */
  networkInterface: string | null;
}

/** What to download. */
export interface DownloadRequest {
  url: string;
  /** First byte wanted (a resume point); default 0. */
  offset?: number;
  /** Last byte wanted, inclusive; default: to the end. */
  end?: number;
  /** Expected size of the whole file, when known (checks the server's answer, scales the timeout). */
  totalSize?: number;
  signal?: AbortSignal;
  /** Called for every connection opened: first attempt, resumes, redirects. */
  onConnection?(info: ConnectionInfo): void;
}

/** Port: fetches a URL range as chunks, resuming after cuts; throws an `UpdateError` when it gives up. */
export interface Downloader {
  /** Yields exactly the bytes of [offset, end], in order; the consumer's pace is the back-pressure. */
  download(request: DownloadRequest): AsyncIterable<Uint8Array>;
}

/** What an install needs to know before the first byte. */
export interface InstallRequest {
  /** Base64 Ed25519 keys the firmware's signature must match (empty: not checked). */
  publicKeys: string[];
  /** Expected total bytes, when known. */
  size?: number;
  /** Expected lower-case or upper-case hex SHA-256 of the whole input, when known. */
  checksum?: string;
  /** fwup-style messages: progress percent, warnings, the final OK/ER. */
  onMessage?(message: FwupMessage): void;
}

/** The verdict of an install: fwup's OK, or why not. */
export type InstallResult = UpdateOutcome;

/** One running install you stream the firmware into. */
export interface InstallSession {
  /** Writes one chunk; resolves when the installer can take more. Rejects once the install has ended. */
  write(chunk: Uint8Array): Promise<void>;
  /** No more input: the installer finishes, or reports that the input was short. */
  end(): void;
  /** Settles with the installer's verdict; never rejects. */
  readonly result: Promise<InstallResult>;
  /** Stops the install at once (the download failed or the agent is stopping). */
  cancel(reason?: string): void;
}

/** Port: installs firmware from a byte stream (fwup, or a sandbox that only checks and stores it). */
export interface FirmwareInstaller {
  /** Starts an install; bytes follow through the session. */
  begin(request: InstallRequest): InstallSession;
}

/** One update to carry out, with the callbacks that report it. */
export interface UpdateJob {
  offer: UpdateOffer;
  /** Usable signing keys (already filtered). */
  publicKeys: string[];
  /** Aborted when the agent stops; the strategy stops and keeps what it can resume from. */
  signal: AbortSignal;
  onConnection(info: ConnectionInfo): void;
  /** Progress of a stage in percent (throttled before it reaches the hub). */
  onProgress(stage: ProgressStage, percent: number): void;
  onFwupMessage(message: FwupMessage): void;
}

/** Port: downloads, verifies and installs one offer (streaming, caching, parts, or your own). */
export interface UpdateStrategy {
  readonly name: string;
  /** Runs the whole update; resolves with the outcome, never rejects. */
  run(job: UpdateJob): Promise<UpdateOutcome>;
}
