// A FirmwareInstaller for machines without a firmware slot to write: it stores the image in a
// file (written to `<path>.partial`, renamed on success) after checking its size and SHA-256, and
// answers like fwup. It cannot check fwup signatures; use the fwup installer on real devices.
// Any file error (a full disk included) ends the install with fwup's kind of error and removes
// the partial file before the result is known, so only a verified image ever carries the name.
import { createHash } from "node:crypto";
import { mkdir, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";
import type { FirmwareInstaller, FwupMessage, InstallResult, InstallSession } from "@nerves-hub-ts/ports";
import { Failure } from "@nerves-hub-ts/update";
import { fileError, type OpenWritableFile, openNodeFile, type WritableFile } from "./writable-file.js";

export interface SandboxInstallerOptions {
  /** Where the installed image goes (replaced by each successful install). */
  path: string;
  /** How the image file is written; default the local file system. */
  openFile?: OpenWritableFile;
}

export function sandboxInstaller(options: SandboxInstallerOptions): FirmwareInstaller {
  return {
    begin: (request) => new SandboxSession(options.path, request, options.openFile ?? openNodeFile),
  };
}

class SandboxSession implements InstallSession {
  readonly result: Promise<InstallResult>;
  readonly #hash = createHash("sha256");
  readonly #partial: string;
  readonly #file: Promise<WritableFile>;
  #size = 0;
  #lastPercent = 0;
  #state: "open" | "ending" | "done" = "open";
  #resolve!: (r: InstallResult) => void;

  constructor(
    private readonly path: string,
    private readonly request: Parameters<FirmwareInstaller["begin"]>[0],
    openFile: OpenWritableFile,
  ) {
    this.#partial = `${path}.partial`;
    this.result = new Promise((r) => {
      this.#resolve = r;
    });
    this.#file = mkdir(dirname(path), { recursive: true })
      .catch((e: unknown) => {
        throw fileError(dirname(path), e);
      })
      .then(() => openFile(this.#partial, "w"));
    this.#file.catch((e: unknown) => this.#fail(e));
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
    try {
      await (await this.#file).write(chunk);
    } catch (e) {
      await this.#fail(e);
      throw e;
    }
  }

  end(): void {
    if (this.#state !== "open") return;
    this.#state = "ending";
    void this.#verify();
  }

  cancel(reason = "install cancelled"): void {
    void this.#finish({ ok: false, failure: Failure.unexpected(reason) });
  }

  #fail(e: unknown): Promise<void> {
    return this.#finish({ ok: false, failure: Failure.fwup((e as Error).message ?? String(e)) });
  }

  async #verify(): Promise<void> {
    const { size, checksum } = this.request;
    const sha = this.#hash.digest("hex");
    let error: string | undefined;
    if (size !== undefined && this.#size !== size) error = `Expected ${size} bytes, got ${this.#size}`;
    else if (checksum !== undefined && checksum.toLowerCase() !== sha) error = `SHA-256 mismatch: got ${sha}`;
    if (error) {
      await this.#finish({ ok: false, failure: Failure.fwup(error) });
      return;
    }
    try {
      await (await this.#file).close();
      await rename(this.#partial, this.path);
    } catch (e) {
      await this.#fail(fileError(this.path, e));
      return;
    }
    if (this.#lastPercent < 100) this.#say({ type: "progress", percent: 100 });
    await this.#finish({ ok: true });
  }

  /** Settles once: a failure first closes and removes the partial file. */
  async #finish(r: InstallResult): Promise<void> {
    if (this.#state === "done") return;
    this.#state = "done";
    if (!r.ok) {
      await this.#file.then((f) => f.close()).catch(() => undefined);
      await rm(this.#partial, { force: true }).catch(() => undefined);
    }
    this.#say(
      r.ok
        ? { type: "ok", code: 0, text: "" }
        : { type: "error", code: 0, text: r.failure.kind === "fwup" ? r.failure.message : "" },
    );
    this.#resolve(r);
  }
}
