// Times GET /status/alive every 100 ms for the given duration, in its own process so that the
// attackers' work in the benchmark process does not delay the measurement. Prints the times (ms) as JSON.
// Usage: node prober.mjs <port> <durationMs>
import { connect } from "node:net";

const [port, durationMs] = process.argv.slice(2).map(Number);
const deadline = performance.now() + durationMs;
const times = [];
const probe = () =>
  new Promise((resolve) => {
    const started = performance.now();
    const socket = connect(port, "127.0.0.1", () =>
      socket.write("GET /status/alive HTTP/1.1\r\nhost: hub\r\n\r\n"),
    );
    socket.once("data", () => {
      times.push(performance.now() - started);
      socket.destroy();
      resolve();
    });
    socket.once("error", () => resolve());
  });
while (performance.now() < deadline) {
  await probe();
  await new Promise((r) => setTimeout(r, 100));
}
process.stdout.write(JSON.stringify(times));
