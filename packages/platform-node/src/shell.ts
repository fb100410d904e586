// Runs the configured commands (identifier, fw_printenv, reboot, …) through /bin/sh so a setting
// can carry arguments and pipes, with a time limit and the exit status in the error.
import { execFile } from "node:child_process";

export class CommandError extends Error {
  override readonly name = "CommandError";
  constructor(
    readonly command: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ShellOptions {
  timeoutMs?: number;
  env?: Record<string, string>;
}

/** Resolves with the command's stdout; rejects with a CommandError naming the command and why. */
export function runShell(command: string, options: ShellOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      "/bin/sh",
      ["-c", command],
      {
        timeout: options.timeoutMs ?? 10_000,
        env: { ...process.env, ...options.env },
        maxBuffer: 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (!error) {
          resolve(stdout);
          return;
        }
        const why = error.killed
          ? `timed out after ${options.timeoutMs ?? 10_000} ms`
          : `exited with ${error.code ?? error.signal}${stderr.trim() ? `: ${stderr.trim().slice(-300)}` : ""}`;
        reject(new CommandError(command, `\`${command}\` ${why}`));
      },
    );
  });
}

/** Quotes one argument for /bin/sh. */
export function shellQuote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}
