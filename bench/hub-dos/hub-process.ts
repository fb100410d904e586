// The hub under attack, in its own process (so the attackers' CPU is not the hub's event loop): plain
// HTTP on 127.0.0.1 with one product key. Prints one JSON line and runs until its stdin closes; for
// each line on stdin it prints its event-loop delay since the previous one (ms, as JSON).
import { randomBytes } from "node:crypto";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { startHub } from "../../packages/hub/src/index.js";

const hub = await startHub({ host: "127.0.0.1" });
const productKey = `nhp_bench${randomBytes(6).toString("hex")}`;
const productSecret = randomBytes(32).toString("base64url");
hub.addProductKey(productKey, productSecret);
process.stdout.write(`${JSON.stringify({ port: hub.port, productKey, productSecret, pid: process.pid })}\n`);

const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
createInterface({ input: process.stdin }).on("line", () => {
  const ms = (ns: number) => Number((ns / 1e6).toFixed(1));
  process.stdout.write(
    `${JSON.stringify({ p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max) })}\n`,
  );
  delay.reset();
});

const shutdown = () => {
  void hub.close().finally(() => process.exit(0));
};
process.stdin.on("end", shutdown);
process.stdin.on("close", shutdown);
process.stdin.resume();
