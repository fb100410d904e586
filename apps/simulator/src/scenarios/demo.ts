// demo: a few devices, one generated release, the update told as a story from connect to the
// device coming back on the new version. Downloads are throttled so each takes a couple of seconds.
import type { DeviceEvent, SimulatedDevice } from "../simulated-device.js";
import { deployRelease, deployReport } from "./rollout.js";
import { fleetOnline, requireControl, type ScenarioContext, type ScenarioReport } from "./scenario.js";

export interface DemoOptions {
  firmwareSize: number;
  /** How long each download should take (the hub throttles to size / this). */
  downloadMs: number;
  timeoutMs: number;
}

/** Download progress is told in these steps. */
const STEPS = [0, 25, 50, 75, 100];

export async function demo(ctx: ScenarioContext, options: DemoOptions): Promise<ScenarioReport> {
  const { sim } = ctx;
  requireControl(sim, "demo");
  const devices = sim.options.devices;
  const told = new Map<string, Told>();
  const off = sim.fleet.on((device, event) => {
    const line = storyLine(device, event, told);
    if (line) ctx.say(`  ${device.identifier}  ${line}`);
  });
  try {
    const online = await fleetOnline(ctx, options.timeoutMs);
    const bytesPerSecond = Math.max(1024, Math.round((options.firmwareSize * 1000) / options.downloadMs));
    const outcome = await deployRelease(ctx, { ...options, bytesPerSecond });
    const report = deployReport("demo", online, outcome);
    ctx.say(
      report.ok
        ? `all ${devices} device(s) run ${outcome.release.version}; the hub recorded every update as completed`
        : `the update did not reach every device (${outcome.hubConfirmed}/${devices} confirmed by the hub)`,
    );
    return report;
  } finally {
    off();
  }
}

/** What has been told about one device's current update. */
interface Told {
  downloaded: number;
  applied: number;
  downloadStage: boolean;
}

function storyLine(device: SimulatedDevice, event: DeviceEvent, told: Map<string, Told>): string | undefined {
  switch (event.type) {
    case "joined":
      return event.first
        ? `connected (${device.identity.kind}) and joined, running ${event.firmware.version}`
        : undefined;
    case "update-offered":
      told.set(device.identifier, { downloaded: -1, applied: -1, downloadStage: false });
      return `update offered: ${event.version ?? "unknown version"}`;
    case "progress": {
      const t = told.get(device.identifier);
      if (!t) return undefined;
      const step = STEPS.filter((s) => s <= event.percent).pop() ?? 0;
      if (event.stage === "downloading") {
        t.downloadStage = true;
        if (step <= t.downloaded) return undefined;
        t.downloaded = step;
        return `downloading ${step}%`;
      }
      // A caching strategy applies from its verified file: one line. Streaming applies while it downloads.
      if (t.downloadStage) {
        if (t.applied >= 0) return undefined;
        t.applied = 0;
        return "download verified (size, SHA-256); applying";
      }
      if (step <= t.applied) return undefined;
      t.applied = step;
      return `downloading and applying ${step}%`;
    }
    case "installed":
      return "applied to the in-memory sandbox; reported completed";
    case "update-failed":
      return `update failed: ${event.reason}`;
    case "update-ignored":
      return `update ignored: ${event.reason}`;
    case "rebooting":
      return `rebooting into ${event.into.version}`;
    case "updated":
      return `rejoined with version ${event.to.version} (was ${event.from.version})`;
    case "dropped":
      return `connection lost: ${event.error?.message ?? "closed"}`;
    default:
      return undefined;
  }
}
