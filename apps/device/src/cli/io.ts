/** What a command needs from the process, passed in so tests can run commands in process. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: Record<string, string | undefined>;
  /** Resolves when the process is asked to stop (SIGTERM/SIGINT). */
  stopSignal(): Promise<string>;
}
