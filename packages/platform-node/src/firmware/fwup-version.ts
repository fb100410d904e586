import { execFile } from "node:child_process";

/** `fwup --version`, trimmed, or undefined when fwup is not installed (asked once, then remembered). */
export function fwupVersionProbe(command: string): () => Promise<string | undefined> {
  let answer: Promise<string | undefined> | undefined;
  return () => {
    answer ??= new Promise((resolve) => {
      execFile(command, ["--version"], { timeout: 5_000 }, (error, stdout) =>
        resolve(error ? undefined : stdout.trim() || undefined),
      );
    });
    return answer;
  };
}
