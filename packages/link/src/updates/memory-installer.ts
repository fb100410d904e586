// A FirmwareInstaller that installs nothing: it takes the stream, checks its size and SHA-256
// against the request and answers like fwup (progress, then OK or ER). It is the in-memory
// sandbox target for apps and tests; a real device uses the fwup installer from firmware-fwup.

import type {
  FirmwareInstaller,
  FwupMessage,
  InstallRequest,
  InstallResult,
  InstallSession,
} from "@nerves-hub-ts/ports";
import { Failure, pureSha256 } from "@nerves-hub-ts/update";

/** What one finished install received. */
export interface MemoryInstall {
  size: number;
  sha256: string;
  result: InstallResult;
  /** The bytes themselves, when `keepBytes` is set. */
  bytes?: Uint8Array;
}

export interface MemoryInstallerOptions {
  /** Keep installed bytes in `installs` (tests only: memory grows with the firmware). */
  keepBytes?: boolean;
  /** Answer every install with this `ER` message once the input ends. */
  failWith?: string;
}

export class MemoryInstaller implements FirmwareInstaller {
  readonly installs: MemoryInstall[] = [];
  constructor(private readonly options: MemoryInstallerOptions = {}) {}

  begin(request: InstallRequest): InstallSession {
    const hash = pureSha256();
    const chunks: Uint8Array[] = [];
    let size = 0;
    let lastPercent = -1;
    let state: "open" | "ended" = "open";
    let resolve!: (r: InstallResult) => void;
    const result = new Promise<InstallResult>((r) => {
      resolve = r;
    });
    const say = (m: FwupMessage) => request.onMessage?.(m);
    let sha: string | undefined;
    const digest = () => {
      sha ??= hash.hexDigest();
      return sha;
    };
    const finish = (r: InstallResult) => {
      if (state === "ended") return;
      state = "ended";
      const install: MemoryInstall = { size, sha256: digest(), result: r };
      if (this.options.keepBytes) install.bytes = concat(chunks, size);
      this.installs.push(install);
      resolve(r);
    };
    const verdict = (): InstallResult => {
      if (this.options.failWith !== undefined)
        return { ok: false, failure: Failure.fwup(this.options.failWith) };
      if (request.size !== undefined && size !== request.size)
        return { ok: false, failure: Failure.fwup(`Expected ${request.size} bytes, got ${size}`) };
      const expected = request.checksum?.toLowerCase();
      if (expected !== undefined && expected !== digest())
        return {
          ok: false,
          failure: Failure.fwup(`SHA-256 mismatch: expected ${expected}, got ${digest()}`),
        };
      return { ok: true };
    };
    say({ type: "progress", percent: 0 });
    return {
      result,
      write: async (chunk) => {
        if (state !== "open") throw new Error("install already ended");
        hash.update(chunk);
        size += chunk.length;
        if (this.options.keepBytes) chunks.push(chunk.slice());
        if (request.size) {
          const percent = Math.min(100, Math.floor((size / request.size) * 100));
          if (percent > lastPercent) say({ type: "progress", percent });
          lastPercent = percent;
        }
      },
      end: () => {
        if (state !== "open") return;
        const r = verdict();
        say(r.ok ? { type: "ok", code: 0, text: "" } : { type: "error", code: 0, text: errorText(r) });
        finish(r);
      },
      cancel: (reason = "install cancelled") => finish({ ok: false, failure: Failure.unexpected(reason) }),
    };
  }
}

function errorText(r: InstallResult): string {
  return !r.ok && r.failure.kind === "fwup" ? r.failure.message : "";
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
