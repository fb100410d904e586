import { loadCertificateIdentity } from "@nerves-hub-ts/auth-cert";
import { startTestHub } from "@nerves-hub-ts/hub/testing";
import { describe, expect, it } from "vitest";
import { startDevice } from "./test-support/device.js";

// One real run with the default backoff (1 s doubling, up to 50% jitter): the hub goes away for
// 1.5 s and comes back on the same port; the device must find it again by itself.
describe("hub restart", () => {
  it("the device reconnects with backoff once the hub is back", { timeout: 20_000 }, async () => {
    const first = await startTestHub({ tls: true });
    const { pki, ca, port } = first;
    let hub = first.hub;
    const cert = await first.deviceCert("dev-restart");
    const identity = await loadCertificateIdentity({
      cert: { pem: cert.certPem },
      key: { pem: cert.keyPem },
      caCerts: { pem: ca.certPem },
    });
    const d = startDevice({ identity, config: { host: `127.0.0.1:${port}` } });
    try {
      await d.waitState((s) => s.status === "joined");

      // Timeline of the outage as the device saw it.
      const timeline: { at: number; status: string; plannedMs?: number }[] = [];
      const unsubscribe = d.link.subscribe((e) => {
        if (e.type !== "state") return;
        const { status, nextAttemptAt } = e.state;
        if (status === "backing-off" || status === "connecting" || status === "joined") {
          const at = Date.now();
          timeline.push({ at, status, plannedMs: nextAttemptAt ? nextAttemptAt - at : undefined });
        }
      });
      const downAt = Date.now();
      await hub.close();
      await new Promise((r) => setTimeout(r, 1500));
      ({ hub } = await startTestHub({ tls: pki, port }));
      await d.waitState((s) => s.status === "joined", 15_000);
      unsubscribe();

      const attempts = timeline.filter((t) => t.status === "connecting").map((t) => t.at - downAt);
      const planned = timeline.filter((t) => t.status === "backing-off").map((t) => t.plannedMs);
      console.info(
        `hub restart: planned reconnect delays ${JSON.stringify(planned)} ms; attempts at ${JSON.stringify(attempts)} ms after the hub went down`,
      );
      expect(planned.length).toBeGreaterThanOrEqual(2);
      // First delay: 1 s step with up to 50% jitter; second: 2 s step.
      expect(planned[0]).toBeGreaterThanOrEqual(990);
      expect(planned[0]).toBeLessThanOrEqual(1500);
      expect(planned[1]).toBeGreaterThanOrEqual(1990);
      expect(planned[1]).toBeLessThanOrEqual(3000);
      expect(d.link.state().lastError?.kind).toBe("tcp");
      expect(d.link.state().attempts).toBeGreaterThanOrEqual(2);
    } finally {
      await d.link.stop();
      await hub.close();
    }
  });
});
