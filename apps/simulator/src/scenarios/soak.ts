// soak: hold N devices connected for a while and report drift: process memory at the start and the
// end of the hold, heartbeat round trips in its first and second half, and connections lost meanwhile.

import { mib, ms, percentile, Reservoir } from "../stats.js";
import { fleetOnline, rampRows, type ScenarioContext, type ScenarioReport } from "./scenario.js";

export interface SoakOptions {
  durationMs: number;
  timeoutMs: number;
}

interface MemorySample {
  rss: number;
  heapUsed: number;
}

const sampleMemory = (): MemorySample => {
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed };
};

export async function soak(ctx: ScenarioContext, options: SoakOptions): Promise<ScenarioReport> {
  const { sim } = ctx;
  const { fleet } = sim;
  const devices = sim.options.devices;
  const { ramp, problems } = await fleetOnline(ctx, options.timeoutMs);

  const halves = [new Reservoir(10_000), new Reservoir(10_000)];
  let half = 0;
  let drops = 0;
  const off = fleet.on((_d, event) => {
    if (event.type === "heartbeat") halves[half]?.add(event.rttMs);
    else if (event.type === "dropped") drops++;
  });
  global.gc?.();
  const start = sampleMemory();
  ctx.say(`holding ${fleet.devices.length} device(s) for ${(options.durationMs / 1000).toFixed(0)} s`);
  // `until` with a predicate that never holds is a wait that a stop (Ctrl-C) cuts short.
  await fleet.until(() => false, options.durationMs / 2, 250);
  half = 1;
  await fleet.until(() => false, options.durationMs / 2, 250);
  global.gc?.();
  const end = sampleMemory();
  off();

  const [first, second] = halves as [Reservoir, Reservoir];
  const joinedAtEnd = fleet.devices.filter((d) => d.phase === "joined").length;
  if (joinedAtEnd < devices)
    problems.push(`${devices - joinedAtEnd} device(s) not joined at the end of the hold`);
  const p = (r: Reservoir, q: number) => percentile(r.samples, q);
  return {
    scenario: "soak",
    ok: problems.length === 0 && drops === 0,
    rows: [
      ...rampRows(ramp, devices),
      ["hold", `${(options.durationMs / 1000).toFixed(0)} s`],
      ["joined at end", `${joinedAtEnd}/${devices}`],
      ["connections lost during hold", String(drops)],
      ["RSS start -> end", `${mib(start.rss)} -> ${mib(end.rss)} (${signed(end.rss - start.rss)})`],
      [
        "heap start -> end",
        `${mib(start.heapUsed)} -> ${mib(end.heapUsed)} (${signed(end.heapUsed - start.heapUsed)})`,
      ],
      ["heartbeats answered", `${first.seen} + ${second.seen}`],
      ["heartbeat p50 1st -> 2nd half", `${ms(p(first, 50))} -> ${ms(p(second, 50))}`],
      ["heartbeat p99 1st -> 2nd half", `${ms(p(first, 99))} -> ${ms(p(second, 99))}`],
    ],
    problems,
    metrics: {
      devices,
      joinedAtEnd,
      drops,
      rssStart: start.rss,
      rssEnd: end.rss,
      heapStart: start.heapUsed,
      heapEnd: end.heapUsed,
      heartbeats: first.seen + second.seen,
      heartbeatP50: percentile([...first.samples, ...second.samples], 50),
      heartbeatP99: percentile([...first.samples, ...second.samples], 99),
    },
  };
}

function signed(bytes: number): string {
  return `${bytes >= 0 ? "+" : "-"}${mib(Math.abs(bytes))}`;
}
