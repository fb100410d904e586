// The simulator's command line: `simulator <demo|rollout|storm|soak> [flags]` (see --help).
import { parseCli, SimulatorUsageError, USAGE } from "./cli-args.js";
import { NoHubControlError } from "./hub/hub-control.js";
import { runSimulator } from "./run.js";
import { SimulatorConfigError } from "./simulation.js";

async function main(argv: string[]): Promise<number> {
  let command: ReturnType<typeof parseCli>;
  try {
    command = parseCli(argv);
  } catch (e) {
    if (!(e instanceof SimulatorUsageError)) throw e;
    process.stderr.write(`simulator: ${e.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (command.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const interrupted = new AbortController();
  process.once("SIGINT", () => interrupted.abort());
  const report = await runSimulator(command, process.stdout, process.stderr, interrupted.signal);
  if (interrupted.signal.aborted) return 130;
  return report.ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    // Settings that cannot work are the user's to fix: the message says how, no stack needed.
    const setting = e instanceof SimulatorConfigError || e instanceof NoHubControlError;
    process.stderr.write(`simulator: ${e instanceof Error ? (setting ? e.message : e.stack) : String(e)}\n`);
    process.exit(setting ? 2 : 1);
  },
);
