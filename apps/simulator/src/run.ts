// One simulator run, as the command line and the tests use it: open the simulation, show it live,
// run the scenario, print the summary table, close everything.
import type { CliSettings } from "./cli-args.js";
import { runScenario } from "./scenarios/run-scenario.js";
import type { ScenarioReport } from "./scenarios/scenario.js";
import { openSimulation } from "./simulation.js";
import { LiveView, type ViewOutput } from "./view/live-view.js";
import { renderTable } from "./view/table.js";

const MAX_PROBLEMS_SHOWN = 20;

/** Runs a scenario; aborting `signal` (Ctrl-C) stops the fleet, so the scenario ends with what it has. */
export async function runSimulator(
  settings: CliSettings,
  out: ViewOutput,
  err: ViewOutput = out,
  signal?: AbortSignal,
): Promise<ScenarioReport> {
  const o = settings.simulation;
  const log = settings.verbose ? (line: string) => err.write(`${line}\n`) : undefined;
  const sim = await openSimulation(log ? { ...o, log } : o);
  const interrupt = () => {
    out.write("\ninterrupted: stopping the fleet\n");
    void sim.fleet.stop();
  };
  signal?.addEventListener("abort", interrupt, { once: true });
  try {
    out.write(
      `nerves-hub-ts simulator: ${settings.scenario}, ${o.devices} device(s), ${o.auth} auth, ${o.serializer}\n`,
    );
    out.write(
      sim.embedded
        ? `embedded hub: ${sim.hubUrl}  operator API: ${sim.operatorUrl}\n`
        : `hub: ${sim.hubUrl}${sim.operatorUrl ? `  operator API: ${sim.operatorUrl}` : ""}\n`,
    );
    const view = new LiveView(sim.fleet, out, {
      title: settings.scenario,
      ...(settings.tty !== undefined ? { tty: settings.tty } : {}),
      statusEveryMs: settings.scenario === "demo" ? 0 : 2_000,
    });
    view.start();
    let report: ScenarioReport;
    try {
      report = await runScenario(settings.scenario, { sim, say: (line) => view.note(line) }, settings);
    } finally {
      view.stop();
    }
    out.write(`\n${renderTable(["metric", "value"], report.rows)}\n`);
    if (report.problems.length > 0) {
      out.write(`\nproblems (${report.problems.length}):\n`);
      for (const p of report.problems.slice(0, MAX_PROBLEMS_SHOWN)) out.write(`  ${p}\n`);
      if (report.problems.length > MAX_PROBLEMS_SHOWN)
        out.write(`  … and ${report.problems.length - MAX_PROBLEMS_SHOWN} more\n`);
    }
    out.write(`\n${settings.scenario}: ${report.ok ? "OK" : "FAILED"}\n`);
    return report;
  } finally {
    signal?.removeEventListener("abort", interrupt);
    await sim.close();
  }
}
