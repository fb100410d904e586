// The hub under attack, in its own process (so the attackers' CPU is not the hub's event loop): plain
// HTTP on 127.0.0.1 with one product key. Prints one JSON line and runs until its stdin closes.
import { randomBytes } from "node:crypto";
import { startHub } from "../../packages/hub/src/index.js";

const hub = await startHub({ host: "127.0.0.1" });
const productKey = `nhp_bench${randomBytes(6).toString("hex")}`;
const productSecret = randomBytes(32).toString("base64url");
hub.addProductKey(productKey, productSecret);
process.stdout.write(`${JSON.stringify({ port: hub.port, productKey, productSecret, pid: process.pid })}\n`);

const shutdown = () => {
  void hub.close().finally(() => process.exit(0));
};
process.stdin.on("end", shutdown);
process.stdin.on("close", shutdown);
process.stdin.resume();
