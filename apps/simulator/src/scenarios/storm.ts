// storm: bring N devices online, have the hub drop every connection at once (close 1012, as a
// draining node does) and measure how the reconnects spread out under the link's jittered backoff.
import { ms, percentile } from "../stats.js";
import {
  fleetOnline,
  rampRows,
  requireControl,
  type ScenarioContext,
  type ScenarioReport,
} from "./scenario.js";

export interface StormOptions {
  timeoutMs: number;
}

export async function storm(ctx: ScenarioContext, options: StormOptions): Promise<ScenarioReport> {
  const { sim } = ctx;
  const { fleet } = sim;
  const devices = sim.options.devices;
  const control = requireControl(sim, "storm");
  const clock = fleet.clock;
  const { ramp, problems } = await fleetOnline(ctx, options.timeoutMs);
  const online = fleet.devices.filter((d) => d.phase === "joined");

  const rejoinMs: number[] = [];
  let droppedSeen = 0;
  const back = new Set<string>();
  const dropAt = clock.now();
  const off = fleet.on((device, event) => {
    if (event.type === "dropped") droppedSeen++;
    else if (event.type === "joined" && !back.has(device.identifier) && (device.lastDropAt ?? 0) >= dropAt) {
      back.add(device.identifier);
      rejoinMs.push(clock.now() - dropAt);
    }
  });
  const dropped = await control.dropAll();
  ctx.say(`hub dropped ${dropped} connection(s); waiting for the fleet to come back`);
  await fleet.until(() => back.size >= online.length, options.timeoutMs);
  off();

  for (const d of online) {
    if (!back.has(d.identifier))
      problems.push(`${d.identifier}: did not rejoin (${d.lastError?.message ?? d.phase})`);
  }
  const first = Math.min(...rejoinMs);
  const last = Math.max(...rejoinMs);
  const spread = rejoinMs.length > 0 ? last - first : Number.NaN;
  ctx.say(`${back.size}/${online.length} rejoined; reconnects spread over ${ms(spread)}`);
  return {
    scenario: "storm",
    ok: problems.length === 0 && back.size === devices,
    rows: [
      ...rampRows(ramp, devices),
      ["connections dropped by hub", String(dropped)],
      ["drops seen by devices", String(droppedSeen)],
      ["rejoined", `${back.size}/${online.length}`],
      ["first rejoin after drop", ms(first)],
      ["rejoin p50", ms(percentile(rejoinMs, 50))],
      ["rejoin p99", ms(percentile(rejoinMs, 99))],
      ["last rejoin after drop", ms(last)],
      ["reconnect spread (last - first)", ms(spread)],
    ],
    problems,
    metrics: {
      devices,
      dropped,
      droppedSeen,
      rejoined: back.size,
      firstRejoinMs: first,
      lastRejoinMs: last,
      spreadMs: spread,
      p50RejoinMs: percentile(rejoinMs, 50),
    },
  };
}
