// Process entry point of `nh-device`: real stdio, environment and signals.
import type { CliIo } from "./cli/io.js";
import { mainCli } from "./cli/main-cli.js";

let stopRequested: Promise<string> | undefined;

const io: CliIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  stopSignal() {
    stopRequested ??= new Promise((resolve) => {
      const onSignal = (signal: NodeJS.Signals) => {
        // A second signal while stopping means "now".
        process.once("SIGTERM", () => process.exit(130));
        process.once("SIGINT", () => process.exit(130));
        resolve(signal);
      };
      process.once("SIGTERM", onSignal);
      process.once("SIGINT", onSignal);
    });
    return stopRequested;
  },
};

const code = await mainCli(process.argv.slice(2), io);
process.exitCode = code;
// Sockets and timers are closed by now; anything still holding the loop open must not keep us alive.
setTimeout(() => process.exit(code), 2_000).unref();
