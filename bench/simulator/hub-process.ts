// The benchmarks' hub in its own process: packages/hub over TLS with a throw-away PKI, a product key
// and a signing key. It prints one JSON line (where to connect and with what) and runs until its
// stdin closes, so it dies with the benchmark that spawned it.
// Run by bench/simulator/hub.ts; by hand: pnpm exec tsx --conditions=source bench/simulator/hub-process.ts
import { randomBytes } from "node:crypto";
import { freshSigningKey } from "../../apps/simulator/src/index.js";
import { createCa, createServerCert } from "../../packages/dev-pki/src/index.js";
import { startHub } from "../../packages/hub/src/index.js";

const ca = await createCa({ commonName: "bench CA" });
const server = await createServerCert(ca, { commonName: "localhost" });
const operatorToken = randomBytes(24).toString("base64url");
const hub = await startHub({
  tls: { certPem: server.certPem, keyPem: server.keyPem },
  operatorToken,
  // Two missed 30 s heartbeats while the single-threaded hub is busy ramping must not drop devices.
  idleTimeoutMs: 300_000,
});
const productKey = `nhp_bench${randomBytes(6).toString("hex")}`;
const productSecret = randomBytes(24).toString("base64url");
hub.addProductKey(productKey, productSecret);
hub.addSigningKey(freshSigningKey());

process.stdout.write(
  `${JSON.stringify({
    url: `wss://127.0.0.1:${hub.port}`,
    operatorUrl: hub.operatorUrl,
    operatorToken,
    caPem: ca.certPem,
    productKey,
    productSecret,
    pid: process.pid,
  })}\n`,
);

const shutdown = () => {
  void hub.close().finally(() => process.exit(0));
};
process.stdin.on("end", shutdown);
process.stdin.on("close", shutdown);
process.stdin.resume();
process.on("SIGTERM", shutdown);
