// The simulator's command line: `simulator <demo|rollout|storm|soak> [flags]` (see --help).
import { parseCli, SimulatorUsageError, USAGE } from "./cli-args.js";
import { runSimulator } from "./run.js";

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
  const report = await runSimulator(command, process.stdout, process.stderr);
  return report.ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`simulator: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}\n`);
    process.exit(1);
  },
);
