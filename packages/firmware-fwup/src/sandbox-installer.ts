// A FirmwareInstaller for machines without a firmware slot to write: it stores the image in a
// file (written to `<path>.partial`, renamed on success) after checking its size and SHA-256, and
// answers like fwup. It cannot check fwup signatures; use the fwup installer on real devices.
import { createHash } from "node:crypto";
import { createWriteStream, mkdirSync } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { dirname } from "node:path";
import type { FirmwareInstaller, FwupMessage, InstallResult, InstallSession } from "@nerves-hub-ts/link";
import { Failure } from "@nerves-hub-ts/update";

export interface SandboxInstallerOptions {
  /** Where the installed image goes (replaced by each successful install). */
  path: string;
}

export function sandboxInstaller(options: SandboxInstallerOptions): FirmwareInstaller {
  return { begin: (request) => new SandboxSession(options.path, request) };
}

class SandboxSession implements InstallSession {
  readonly result: Promise<InstallResult>;
  readonly #hash = createHash("sha256");
  readonly #partial: string;
  readonly #out: ReturnType<typeof createWriteStream>;
  #size = 0;
  #lastPercent = 0;
  #state: "open" | "ending" | "done" = "open";
  #resolve!: (r: InstallResult) => void;

  constructor(
    private readonly path: string,
    private readonly request: Parameters<FirmwareInstaller["begin"]>[0],
  ) {
    this.#partial = `${path}.partial`;
    this.result = new Promise((r) => {
      this.#resolve = r;
    });
    mkdirSync(dirname(path), { recursive: true });
    this.#out = createWriteStream(this.#partial, { flags: "w" });
    this.#out.on("error", (e) =>
      this.#finish({ ok: false, failure: Failure.fwup(`cannot write ${this.path}: ${e.message}`) }),
    );
    this.#say({ type: "progress", percent: 0 });
  }

  #say(m: FwupMessage): void {
    this.request.onMessage?.(m);
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (this.#state !== "open") throw new Error("install already ended");
    this.#hash.update(chunk);
    this.#size += chunk.length;
    const { size } = this.request;
    if (size) {
      const percent = Math.min(100, Math.floor((this.#size / size) * 100));
      if (percent > this.#lastPercent) this.#say({ type: "progress", percent });
      this.#lastPercent = Math.max(percent, this.#lastPercent);
    }
    if (!this.#out.write(chunk)) await new Promise<void>((r) => this.#out.once("drain", () => r()));
  }

  end(): void {
    if (this.#state !== "open") return;
    this.#state = "ending";
    this.#out.end(() => void this.#verify());
  }

  cancel(reason = "install cancelled"): void {
    if (this.#state === "done") return;
    this.#out.destroy();
    this.#finish({ ok: false, failure: Failure.unexpected(reason) });
  }

  async #verify(): Promise<void> {
    const { size, checksum } = this.request;
    const sha = this.#hash.digest("hex");
    let error: string | undefined;
    if (size !== undefined && this.#size !== size) error = `Expected ${size} bytes, got ${this.#size}`;
    else if (checksum !== undefined && checksum.toLowerCase() !== sha) error = `SHA-256 mismatch: got ${sha}`;
    if (error) {
      this.#finish({ ok: false, failure: Failure.fwup(error) });
      return;
    }
    try {
      await rename(this.#partial, this.path);
      if (this.#lastPercent < 100) this.#say({ type: "progress", percent: 100 });
      this.#finish({ ok: true });
    } catch (e) {
      this.#finish({
        ok: false,
        failure: Failure.fwup(`cannot write ${this.path}: ${(e as Error).message}`),
      });
    }
  }

  #finish(r: InstallResult): void {
    if (this.#state === "done") return;
    this.#state = "done";
    if (!r.ok) void rm(this.#partial, { force: true });
    this.#say(
      r.ok
        ? { type: "ok", code: 0, text: "" }
        : { type: "error", code: 0, text: r.failure.kind === "fwup" ? r.failure.message : "" },
    );
    this.#resolve(r);
  }
}
