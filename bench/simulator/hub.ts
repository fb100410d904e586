// Spawns bench/simulator/hub-process.ts and hands back how to reach it, plus its RSS on demand.
import { type ChildProcess, spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export interface HubProcess {
  url: string;
  operatorUrl: string;
  operatorToken: string;
  caPem: string;
  productKey: string;
  productSecret: string;
  pid: number;
  /** The hub process's resident memory, from /proc (bytes). */
  rss(): Promise<number>;
  stop(): Promise<void>;
}

const script = fileURLToPath(new URL("./hub-process.ts", import.meta.url));

export async function spawnHub(): Promise<HubProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    ["--conditions=source", "--import", import.meta.resolve("tsx"), script],
    {
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`the hub process exited (${code}) before it was ready`)));
  });
  const info = JSON.parse(first) as Omit<HubProcess, "rss" | "stop">;
  return {
    ...info,
    async rss() {
      const status = await readFile(`/proc/${info.pid}/status`, "utf8");
      const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
      return kb ? Number(kb) * 1024 : Number.NaN;
    },
    async stop() {
      child.stdin?.end();
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
