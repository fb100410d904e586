// Runs the real `nh-device` CLI (src/main.ts through tsx) as a child process and reads its JSON logs.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));
const TSX = import.meta.resolve("tsx");

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export class CliProcess {
  readonly child: ChildProcess;
  readonly logs: LogLine[] = [];
  stdout = "";
  /** stderr lines that are not JSON (plain error messages). */
  readonly plain: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly #waiters = new Set<() => void>();

  constructor(args: string[], env: Record<string, string> = {}) {
    // Only PATH and HOME from the test's environment: stray NH_* variables must not leak in.
    this.child = spawn(process.execPath, ["--conditions=source", "--import", TSX, MAIN, ...args], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let buffered = "";
    this.child.stderr?.setEncoding("utf8").on("data", (text: string) => {
      buffered += text;
      for (let nl = buffered.indexOf("\n"); nl >= 0; nl = buffered.indexOf("\n")) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        try {
          this.logs.push(JSON.parse(line) as LogLine);
        } catch {
          this.plain.push(line);
        }
      }
      this.#wake();
    });
    this.child.stdout?.setEncoding("utf8").on("data", (text: string) => {
      this.stdout += text;
      this.#wake();
    });
    this.exited = new Promise((resolve) =>
      this.child.on("exit", (code, signal) => {
        this.#wake();
        resolve({ code, signal });
      }),
    );
  }

  /** Waits for a log line whose message contains `text`. */
  waitForLog(text: string, timeoutMs = 15_000): Promise<LogLine> {
    return this.#until(() => this.logs.find((l) => l.msg.includes(text)), `log "${text}"`, timeoutMs);
  }

  /** Everything the process wrote to stderr, for failure messages and secrecy checks. */
  stderrText(): string {
    return [...this.logs.map((l) => JSON.stringify(l)), ...this.plain].join("\n");
  }

  kill(signal: NodeJS.Signals = "SIGTERM"): void {
    this.child.kill(signal);
  }

  #until<T>(probe: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = probe();
        if (found !== undefined) {
          done();
          resolve(found);
        } else if (this.child.exitCode !== null) {
          done();
          reject(new Error(`process exited (${this.child.exitCode}) before ${what}:\n${this.stderrText()}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out waiting for ${what}:\n${this.stderrText()}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
      check();
    });
  }

  #wake(): void {
    for (const w of [...this.#waiters]) w();
  }
}

/** Runs a CLI command to completion. */
export async function runCli(args: string[], env: Record<string, string> = {}) {
  const p = new CliProcess(args, env);
  const { code } = await p.exited;
  return { code, stdout: p.stdout, stderr: p.stderrText(), process: p };
}
