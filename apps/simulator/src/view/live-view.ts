// The live terminal view. On a TTY it redraws a block in place (counts, then one progress bar per
// device for small fleets or aggregate bars for large ones) with story lines scrolling above it;
// in a pipe it prints the story lines plus a status line every few seconds when something changed.
import type { Fleet, FleetCounts } from "../fleet.js";
import type { SimulatedDevice } from "../simulated-device.js";
import { progressBar } from "./progress-bar.js";

/** Where the view writes: process.stdout or a test capture. */
export interface ViewOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface LiveViewOptions {
  title: string;
  /** ANSI redraw (default: output.isTTY). */
  tty?: boolean;
  /** Redraw period on a TTY. */
  redrawMs?: number;
  /** Status line period in a pipe; 0 prints none (the story lines tell everything). */
  statusEveryMs?: number;
  /** At most this many devices get their own bar; larger fleets get aggregate bars. */
  perDeviceLimit?: number;
}

const BAR = 24;

export class LiveView {
  readonly #tty: boolean;
  #drawnLines = 0;
  #timer: NodeJS.Timeout | undefined;
  #lastStatus = "";
  #lastStatusAt = 0;
  readonly #t0 = Date.now();

  constructor(
    private readonly fleet: Fleet,
    private readonly out: ViewOutput,
    private readonly options: LiveViewOptions,
  ) {
    this.#tty = options.tty ?? out.isTTY === true;
  }

  start(): void {
    const period = this.#tty ? (this.options.redrawMs ?? 100) : 250;
    this.#timer = setInterval(() => this.#tick(), period);
    this.#timer.unref();
  }

  /** A story line: printed above the live block (TTY) or as is (pipe). */
  note(line: string): void {
    if (this.#tty) {
      this.#clear();
      this.out.write(`${line}\n`);
      this.#draw();
    } else {
      this.out.write(`${line}\n`);
    }
  }

  /** Stops redrawing; the last block stays on screen (TTY) or a final status line is printed. */
  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#tty) {
      this.#clear();
      this.#draw();
      this.#drawnLines = 0;
    } else if (this.options.statusEveryMs !== 0) {
      this.#printStatus(true);
    }
  }

  #tick(): void {
    if (this.#tty) {
      this.#clear();
      this.#draw();
    } else {
      this.#printStatus(false);
    }
  }

  #printStatus(force: boolean): void {
    const every = this.options.statusEveryMs ?? 2_000;
    if (every === 0) return;
    const now = Date.now();
    if (!force && now - this.#lastStatusAt < every) return;
    const status = countsLine(this.fleet.counts(), this.fleet.target !== undefined);
    if (!force && status === this.#lastStatus) return;
    this.#lastStatus = status;
    this.#lastStatusAt = now;
    this.out.write(`[${this.#elapsed()}] ${status}\n`);
  }

  #elapsed(): string {
    return `${((Date.now() - this.#t0) / 1000).toFixed(1)}s`;
  }

  #clear(): void {
    if (this.#drawnLines === 0) return;
    this.out.write(`\x1b[${this.#drawnLines}A\x1b[0J`);
    this.#drawnLines = 0;
  }

  #draw(): void {
    const counts = this.fleet.counts();
    const lines = [
      `${this.options.title}  ${this.#elapsed()}  ${countsLine(counts, this.fleet.target !== undefined)}`,
    ];
    const devices = this.fleet.devices;
    if (devices.length <= (this.options.perDeviceLimit ?? 10)) {
      for (const d of [...devices].sort((a, b) => a.index - b.index)) lines.push(deviceLine(d));
    } else {
      lines.push(...aggregateLines(counts, devices));
    }
    const width = Math.max(40, (this.out.columns || 120) - 1);
    this.out.write(`${lines.map((l) => l.slice(0, width)).join("\n")}\n`);
    this.#drawnLines = lines.length;
  }
}

export function countsLine(c: FleetCounts, withTarget: boolean): string {
  const parts = [
    `devices ${c.started}/${c.total}`,
    `connecting ${c.connecting}`,
    `joined ${c.joined}`,
    `reconnecting ${c.reconnecting}`,
    `updating ${c.updating}`,
    `rebooting ${c.rebooting}`,
  ];
  if (withTarget) parts.push(`done ${c.done}`, `failed ${c.failed}`);
  return parts.join("  ");
}

function deviceLine(d: SimulatedDevice): string {
  const name = d.identifier.padEnd(12);
  const phase = d.phase.padEnd(12);
  const p = d.progress;
  const bar = p
    ? `${p.stage.padEnd(11)} ${progressBar(p.percent / 100, BAR)} ${String(p.percent).padStart(3)}%`
    : "";
  const fail = d.lastUpdateFailure && !p ? `last update failed: ${d.lastUpdateFailure}` : "";
  return `  ${name} ${phase} v${d.firmware.version.padEnd(8)} ${bar || fail}`.trimEnd();
}

function aggregateLines(c: FleetCounts, devices: readonly SimulatedDevice[]): string[] {
  const total = Math.max(1, c.total);
  let percentSum = 0;
  let withProgress = 0;
  for (const d of devices) {
    if (d.phase !== "updating" || !d.progress) continue;
    // Streaming reports one stage (`updating`, as the bytes stream in); caching downloads, then applies.
    percentSum += d.progress.percent;
    withProgress++;
  }
  const row = (label: string, n: number, extra = "") =>
    `  ${label.padEnd(12)} ${progressBar(n / total, BAR)} ${String(n).padStart(6)}/${c.total}${extra}`;
  const lines = [
    row("joined", c.joined),
    row(
      "updating",
      c.updating,
      withProgress ? `  avg progress ${Math.round(percentSum / withProgress)}%` : "",
    ),
  ];
  if (c.rebooting > 0 || c.done > 0 || c.failed > 0)
    lines.push(row("rebooting", c.rebooting), row("done", c.done), row("failed", c.failed));
  return lines;
}
