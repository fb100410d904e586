// Runs `fwup --apply --framing --exit-handshake` as a child process: firmware bytes go in as
// framed stdin with back-pressure, framed records come out and become progress and a verdict.
// stdin is closed as soon as fwup says OK or ER (it then waits for EOF), and whenever our input
// ends or fails, because fwup otherwise waits forever for the rest of a cut-short archive
// (observed-tokens-and-fwup.md).
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import type { FwupMessage, InstallResult, InstallSession, Logger } from "@nerves-hub-ts/ports";
import { silentLogger } from "@nerves-hub-ts/ports";
import { Failure } from "@nerves-hub-ts/update";
import { type FwupArgsOptions, fwupArgs } from "./fwup-args.js";
import { END_OF_INPUT, FwupOutputParser, frameHeader } from "./fwup-framing.js";

export interface FwupRunnerOptions extends FwupArgsOptions {
  /** Executable; default `fwup` from PATH. */
  command?: string;
  /** Arguments before fwup's own (e.g. a script path when `command` is `node`). */
  commandPrefix?: readonly string[];
  /** Added to the inherited environment (nerves_hub_link's `fwup_env`). */
  env?: Readonly<Record<string, string>>;
  onMessage?(message: FwupMessage): void;
  /** After SIGTERM (cancel) or a verdict, how long fwup gets to exit before SIGKILL. Default 5000 ms. */
  killGraceMs?: number;
  logger?: Logger;
}

const STDERR_TAIL = 2048;
/**
 * Pieces smaller than this are gathered into one frame on fwup's stdin; a larger piece is a frame
 * of its own (fwup reads a frame of any length in buffer-sized parts). Small pieces (a slow link,
 * TLS records) would each cost a writev and a wake-up of fwup. With 64 KiB pieces, 256 KiB frames
 * measured best in bench/update, taking a quarter off fwup's CPU time and a tenth off ours.
 */
export const FRAME_BYTES = 256 * 1024;
/**
 * Bytes that may wait in stdin's buffer before `write` waits for fwup to take them, so the next
 * download piece is received and hashed while fwup reads the last (in bench/update the agent's
 * throughput varied less than with a write that waited for every frame).
 */
const STDIN_QUEUE_BYTES = 2 * 1024 * 1024;

export class FwupRunner implements InstallSession {
  readonly result: Promise<InstallResult>;
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #parser = new FwupOutputParser();
  readonly #options: FwupRunnerOptions;
  readonly #log: Logger;
  #verdict: InstallResult | undefined;
  #problem: string | undefined;
  #inputClosed = false;
  #exited = false;
  #stderr = "";
  #killTimer: NodeJS.Timeout | undefined;
  readonly #waiters = new Set<() => void>();
  #batch: Uint8Array[] = [];
  #batchBytes = 0;
  #flushQueued = false;

  private constructor(options: FwupRunnerOptions) {
    this.#options = options;
    this.#log = options.logger ?? silentLogger;
    const command = options.command ?? "fwup";
    this.#child = spawn(command, [...(options.commandPrefix ?? []), ...fwupArgs(options)], {
      env: { ...process.env, ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.result = new Promise<InstallResult>((resolve) => {
      this.#child.once("error", (e) => {
        this.#problem ??= `cannot run ${command}: ${e.message}`;
        this.#exit(resolve, null, null);
      });
      this.#child.once("close", (code, signal) => this.#exit(resolve, code, signal));
    });
    // EPIPE after fwup exits is expected; the verdict comes from stdout and the exit status.
    this.#child.stdin.on("error", () => this.#closeInput());
    this.#child.stdin.on("drain", () => this.#wake());
    this.#child.stdout.on("data", (bytes: Buffer) => this.#onStdout(bytes));
    this.#child.stderr.on("data", (bytes: Buffer) => {
      this.#stderr = (this.#stderr + bytes.toString("utf8")).slice(-STDERR_TAIL);
    });
  }

  /** Starts fwup; bytes follow through `write`. */
  static start(options: FwupRunnerOptions): FwupRunner {
    return new FwupRunner(options);
  }

  /** The child's pid (for tests and logs). */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  /**
   * Queues `chunk` for fwup. Queued chunks go out as one frame (one writev) once FRAME_BYTES are
   * queued, or when the event loop turns, so a write never waits for more input to be sent.
   * Resolves once stdin holds no more than STDIN_QUEUE_BYTES, so what waits in memory is bounded.
   */
  async write(chunk: Uint8Array): Promise<void> {
    if (chunk.length === 0) return; // a zero-length frame would end fwup's input
    if (!this.#accepting()) throw new Error(`fwup is not taking input (${this.#why()})`);
    this.#batch.push(chunk);
    this.#batchBytes += chunk.length;
    if (this.#batchBytes >= FRAME_BYTES) this.#flush();
    else if (!this.#flushQueued) {
      this.#flushQueued = true;
      setImmediate(() => {
        this.#flushQueued = false;
        if (this.#accepting()) this.#flush();
      });
    }
    const stdin = this.#child.stdin;
    if (stdin.writableNeedDrain && stdin.writableLength > STDIN_QUEUE_BYTES) await this.#waitForRoom();
  }

  end(): void {
    if (this.#inputClosed) return;
    this.#flush();
    this.#child.stdin.write(END_OF_INPUT);
    this.#closeInput();
  }

  /** Writes the queued chunks as one frame, header and all in a single writev. */
  #flush(): void {
    if (this.#batchBytes === 0) return;
    const stdin = this.#child.stdin;
    stdin.cork();
    stdin.write(frameHeader(this.#batchBytes));
    for (const c of this.#batch) stdin.write(c);
    stdin.uncork();
    this.#batch = [];
    this.#batchBytes = 0;
  }

  cancel(reason = "install cancelled"): void {
    if (this.#exited) return;
    this.#problem ??= reason;
    this.#closeInput();
    this.#child.kill("SIGTERM");
    this.#armKill();
  }

  #accepting(): boolean {
    return !this.#inputClosed && !this.#exited && this.#verdict === undefined && this.#child.stdin.writable;
  }

  #why(): string {
    if (this.#verdict) return this.#verdict.ok ? "it reported OK" : "it reported an error";
    return this.#problem ?? (this.#exited ? "it exited" : "input closed");
  }

  #waitForRoom(): Promise<void> {
    return new Promise((resolve, reject) => {
      const wake = () => {
        this.#waiters.delete(wake);
        if (this.#accepting()) resolve();
        else reject(new Error(`fwup is not taking input (${this.#why()})`));
      };
      this.#waiters.add(wake);
    });
  }

  #wake(): void {
    for (const w of [...this.#waiters]) w();
  }

  #closeInput(): void {
    if (this.#inputClosed) return;
    this.#inputClosed = true;
    this.#batch = [];
    this.#batchBytes = 0;
    this.#child.stdin.end();
    this.#wake();
  }

  #armKill(): void {
    this.#killTimer ??= setTimeout(() => this.#child.kill("SIGKILL"), this.#options.killGraceMs ?? 5000);
  }

  #onStdout(bytes: Buffer): void {
    let outputs: ReturnType<FwupOutputParser["push"]>;
    try {
      outputs = this.#parser.push(bytes);
    } catch (e) {
      this.cancel(`fwup output is not framed: ${(e as Error).message}`);
      return;
    }
    for (const out of outputs) {
      if (out.kind === "unknown") {
        this.#log.warn("unknown fwup record", { type: out.type, code: out.code, text: out.text });
        continue;
      }
      if (out.kind === "handshake") continue; // the exit status is read from the process itself
      const m = out.message;
      this.#options.onMessage?.(m);
      if (m.type === "ok" || m.type === "error") {
        this.#verdict ??= m.type === "ok" ? { ok: true } : { ok: false, failure: Failure.fwup(m.text) };
        // fwup blocks on stdin until EOF after its verdict; let it go.
        this.#closeInput();
        this.#armKill();
      }
    }
  }

  #exit(resolve: (r: InstallResult) => void, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.#exited) return;
    this.#exited = true;
    clearTimeout(this.#killTimer);
    this.#inputClosed = true;
    this.#wake();
    if (this.#verdict) {
      resolve(this.#verdict);
      return;
    }
    const how = signal ? `signal ${signal}` : `status ${code}`;
    const detail = this.#problem ?? `fwup exited (${how}) without reporting OK or ER`;
    const stderr = this.#stderr.trim();
    resolve({ ok: false, failure: Failure.unexpected(stderr ? `${detail}; stderr: ${stderr}` : detail) });
  }
}
