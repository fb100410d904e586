import { loadCertificateIdentity } from "@nerves-hub-ts/auth-cert";
import { sharedSecretIdentity } from "@nerves-hub-ts/auth-shared-secret";
import { createCa, createDeviceCert, type PemCredential } from "@nerves-hub-ts/dev-pki";
import type { Hub, HubEvent } from "@nerves-hub-ts/hub";
import { startTestHub, type TestPki } from "@nerves-hub-ts/hub/testing";
import type { LinkConfig } from "@nerves-hub-ts/link";
import { MemoryExtension } from "@nerves-hub-ts/link/testing";
import { nodeClock } from "@nerves-hub-ts/platform-node";
import type { Extension } from "@nerves-hub-ts/ports";
import { consoleTopic, deviceTopic } from "@nerves-hub-ts/protocol";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startDevice, type TestDevice } from "./test-support/device.js";

const PRODUCT_KEY = "nhp_integration-key";
const PRODUCT_SECRET = "integration-secret-0123456789abcdefghijklmno";
const FORGED_SECRET = "forged-secret-forged-secret-forged-secret-xx";

let ca: PemCredential;
let pki: TestPki;
let hub: Hub;
const devices: TestDevice[] = [];
/** Every secret a test hands to a device; none may show up in any log line. */
const secrets = new Set<string>([PRODUCT_SECRET, FORGED_SECRET]);

/** The secret-looking things found in a log text. */
function leaks(text: string): string[] {
  const found = [...secrets].filter((secret) => text.includes(secret));
  // Signed tokens (x-nh-signature) start with the b64url of "HS256"; PEM keys with their banner.
  for (const marker of ["SFMyNTY.", "PRIVATE KEY"]) if (text.includes(marker)) found.push(marker);
  return found;
}

/** The body of a PEM key (its base64 lines), which must not be logged either. */
function keyBody(pem: string): string {
  return pem.split("\n").filter((l) => l && !l.startsWith("-----"))[0] ?? pem;
}

beforeAll(async () => {
  ({ hub, ca, pki } = await startTestHub({
    tls: true,
    productKey: { key: PRODUCT_KEY, secret: PRODUCT_SECRET },
  }));
});

afterEach(async () => {
  for (const d of devices.splice(0)) {
    await d.link.stop();
    expect(leaks(d.logger.text())).toEqual([]);
  }
});

afterAll(async () => {
  await hub?.close();
});

/** A device certificate from the test CA; its key is remembered as a secret. */
async function issueDevice(options: Parameters<typeof createDeviceCert>[1]): Promise<PemCredential> {
  const cert = await createDeviceCert(ca, options);
  secrets.add(keyBody(cert.keyPem));
  return cert;
}

async function certDevice(identifier: string, serializer: "json" | "msgpack"): Promise<TestDevice> {
  const cert = await issueDevice({ identifier });
  const identity = await loadCertificateIdentity({
    cert: { pem: cert.certPem },
    key: { pem: cert.keyPem },
    caCerts: { pem: ca.certPem },
  });
  const d = startDevice({ identity, config: { host: `127.0.0.1:${hub.port}`, serializer } });
  devices.push(d);
  return d;
}

function secretDevice(
  identifier: string,
  serializer: "json" | "msgpack",
  config: LinkConfig = {},
): TestDevice {
  const identity = sharedSecretIdentity({
    productKey: PRODUCT_KEY,
    productSecret: PRODUCT_SECRET,
    identifier,
    clock: nodeClock,
  });
  const d = startDevice({
    identity,
    config: { host: `127.0.0.1:${hub.port}`, serializer, ssl: { ca: [ca.certPem] }, ...config },
  });
  devices.push(d);
  return d;
}

describe.each(["json", "msgpack"] as const)("a device over %s", (serializer) => {
  it.each(["certificate", "shared-secret"] as const)(
    "with %s auth joins, receives reboot and identify, and sends statuses",
    async (auth) => {
      const id = `dev-${auth}-${serializer}`;
      const d = auth === "certificate" ? await certDevice(id, serializer) : secretDevice(id, serializer);
      const connected = hub.waitFor((e) => e.type === "connected" && e.identifier === id);
      const joined = hub.waitFor((e) => e.type === "joined" && e.identifier === id && e.topic === "device");
      await d.waitState((s) => s.status === "joined");
      expect(await connected).toMatchObject({
        auth: auth === "certificate" ? "certificate" : "shared_secret",
        vsn: serializer === "json" ? "2.0.0" : "3.0.0",
      });
      const join = await joined;
      expect(join).toMatchObject({ params: { nerves_fw_uuid: "11111111-1111-1111-1111-111111111111" } });
      expect(hub.device(id)).toBeDefined();

      await hub.waitFor((e) => e.type === "network_interface" && e.identifier === id);
      expect(hub.device(id)?.networkInterface).toMatchObject({ name: "lo" });

      const rebooting = hub.waitFor((e) => e.type === "rebooting" && e.identifier === id);
      expect(hub.reboot(id)).toBe(true);
      await rebooting;
      expect(hub.identify(id)).toBe(true);
      await d.waitFor((e) => e.type === "message" && e.event === "identify");
      await expect.poll(() => d.logger.find("identify requested").length).toBe(1);

      const status = hub.waitFor((e) => e.type === "status_update" && e.identifier === id);
      expect(d.link.push(deviceTopic.failed("no room"))).toBe(true);
      expect(await status).toMatchObject({ payload: { status: "failed", reason: "no room" } });
    },
  );
});

/** Waits until the link has failed at least `n` times in a row and is backing off again. */
async function failedAtLeast(d: TestDevice, n: number) {
  return d.waitState((s) => s.attempts >= n && s.status === "backing-off", 8000);
}

const FAST_BACKOFF = { minMs: 50, maxMs: 400, jitter: 0 };

describe("refused devices keep retrying with backoff and a clear error", () => {
  it("a device that does not trust the hub's CA gets a TLS error", async () => {
    const stranger = await createCa({ commonName: "some other CA" });
    const cert = await issueDevice({ identifier: "dev-wrong-ca" });
    const identity = await loadCertificateIdentity({
      cert: { pem: cert.certPem },
      key: { pem: cert.keyPem },
      caCerts: { pem: stranger.certPem },
    });
    const d = startDevice({ identity, config: { host: `127.0.0.1:${hub.port}`, backoff: FAST_BACKOFF } });
    devices.push(d);
    const state = await failedAtLeast(d, 3);
    expect(state.lastError).toMatchObject({ kind: "tls" });
    expect(state.lastError?.message).toMatch(/not signed by a trusted CA|untrusted CA/);
    expect(d.logger.find("retrying in 200 ms")).not.toHaveLength(0);
  });

  it("an expired device certificate is refused by the hub (401)", async () => {
    const cert = await issueDevice({
      identifier: "dev-expired",
      notBefore: new Date(Date.now() - 10 * 86_400_000),
      notAfter: new Date(Date.now() - 86_400_000),
    });
    const load = (checkValidity?: boolean) =>
      loadCertificateIdentity({
        cert: { pem: cert.certPem },
        key: { pem: cert.keyPem },
        caCerts: { pem: ca.certPem },
        checkValidity,
      });
    // The adapter refuses it up front by default ...
    await expect(load()).rejects.toThrow(/expired/);
    // ... and the hub refuses it when a device sends it anyway.
    const d = startDevice({
      identity: await load(false),
      config: { host: `127.0.0.1:${hub.port}`, backoff: FAST_BACKOFF },
    });
    devices.push(d);
    const state = await failedAtLeast(d, 2);
    expect(state.lastError).toMatchObject({ kind: "auth", status: 401 });
    expect(state.lastError?.message).toContain("refused the device's credentials (HTTP 401)");
  });

  it("a second key for a registered device is refused (401)", async () => {
    const first = await certDevice("dev-one-key", "json");
    await first.waitState((s) => s.status === "joined");
    await first.link.stop();
    const other = await issueDevice({ identifier: "dev-one-key" });
    const identity = await loadCertificateIdentity({
      cert: { pem: other.certPem },
      key: { pem: other.keyPem },
      caCerts: { pem: ca.certPem },
    });
    const d = startDevice({ identity, config: { host: `127.0.0.1:${hub.port}`, backoff: FAST_BACKOFF } });
    devices.push(d);
    const state = await failedAtLeast(d, 2);
    expect(state.lastError).toMatchObject({ kind: "auth", status: 401 });
  });

  it("a forged shared secret is refused (401)", async () => {
    const identity = sharedSecretIdentity({
      productKey: PRODUCT_KEY,
      productSecret: FORGED_SECRET,
      identifier: "dev-forged",
      clock: nodeClock,
    });
    const rejected = hub.waitFor((e) => e.type === "rejected" && e.status === 401);
    const d = startDevice({
      identity,
      config: { host: `127.0.0.1:${hub.port}`, ssl: { ca: [ca.certPem] }, backoff: FAST_BACKOFF },
    });
    devices.push(d);
    await rejected;
    const state = await failedAtLeast(d, 3);
    expect(state.lastError).toMatchObject({ kind: "auth", status: 401 });
    expect(d.logger.find("device clock looks wrong")).toHaveLength(0);
  });
});

describe("a device whose clock is behind the hub's", () => {
  it("is refused once, signs with the hub's Date next time, and says the clock looks wrong", async () => {
    const { hub: ahead } = await startTestHub({
      tls: pki,
      productKey: { key: PRODUCT_KEY, secret: PRODUCT_SECRET },
      clock: {
        now: () => Date.now() + 5 * 60_000,
        setTimeout: (fn, ms) => {
          const timer = setTimeout(fn, ms);
          return { cancel: () => clearTimeout(timer) };
        },
      },
    });
    try {
      const identity = sharedSecretIdentity({
        productKey: PRODUCT_KEY,
        productSecret: PRODUCT_SECRET,
        identifier: "dev-slow-clock",
        clock: nodeClock,
      });
      const d = startDevice({
        identity,
        config: { host: `127.0.0.1:${ahead.port}`, ssl: { ca: [ca.certPem] }, backoff: FAST_BACKOFF },
      });
      devices.push(d);
      await d.waitState((s) => s.status === "joined");
      const skew = d.events.find((e) => e.type === "clock-skew");
      expect(skew).toBeDefined();
      expect(d.logger.find("device clock looks wrong")[0]?.msg).toMatch(
        /(29\d|30\d) s behind the hub's Date header/,
      );
      expect(d.events).toContainEqual(
        expect.objectContaining({
          type: "error",
          error: expect.objectContaining({ kind: "clock", status: 401 }),
        }),
      );
      await d.link.stop();
    } finally {
      await ahead.close();
    }
  });
});

describe("bad input from the hub", () => {
  it("malformed payloads, unknown events and stray frames are logged once; the device stays joined", async () => {
    const id = "dev-bad-frames";
    const d = await certDevice(id, "msgpack");
    await d.waitState((s) => s.status === "joined");
    for (let i = 0; i < 3; i++) {
      hub.sendFrame(id, { joinRef: null, ref: null, topic: "device", event: "surprise", payload: { i } });
      hub.sendFrame(id, {
        joinRef: null,
        ref: null,
        topic: "device",
        event: "update",
        payload: { firmware_url: 7 },
      });
      hub.sendFrame(id, { joinRef: null, ref: null, topic: "nowhere", event: "x", payload: {} });
      hub.sendFrame(id, {
        joinRef: null,
        ref: "999",
        topic: "device",
        event: "phx_reply",
        payload: { status: "ok" },
      });
      hub.sendFrame(id, { joinRef: null, ref: null, topic: "device", event: "reboot", payload: null });
    }
    const rebooting = hub.waitFor((e) => e.type === "rebooting" && e.identifier === id);
    hub.reboot(id);
    await rebooting;
    const warnings = d.logger.lines.filter((l) => l.level === "warn").map((l) => l.msg);
    expect(warnings).toEqual([
      "unknown event surprise on the device topic; ignored",
      "malformed update from the hub; ignored",
      "malformed reboot from the hub; ignored",
    ]);
    expect(d.link.state()).toMatchObject({ status: "joined", attempts: 0 });
    expect(hub.device(id)?.violations ?? []).toEqual([]);
  });
});

describe("no secrets in logs", () => {
  it("a run with refusals, joins and reconnects logs no secret, key or token", async () => {
    const forged = startDevice({
      identity: sharedSecretIdentity({
        productKey: PRODUCT_KEY,
        productSecret: FORGED_SECRET,
        identifier: "dev-log-forged",
        clock: nodeClock,
      }),
      config: { host: `127.0.0.1:${hub.port}`, ssl: { ca: [ca.certPem] }, backoff: FAST_BACKOFF },
    });
    devices.push(forged);
    const good = secretDevice("dev-log-check", "json", { backoff: FAST_BACKOFF });
    const cert = await certDevice("dev-log-check-cert", "msgpack");
    await failedAtLeast(forged, 2);
    await good.waitState((s) => s.status === "joined");
    await cert.waitState((s) => s.status === "joined");
    hub.kick("dev-log-check");
    await good.waitState((s) => s.status === "backing-off");
    await good.waitState((s) => s.status === "joined");
    expect(good.logger.lines.length).toBeGreaterThan(5);
    for (const d of [forged, good, cert]) expect(leaks(d.logger.text())).toEqual([]);
    // The check itself works: a token or a secret would be caught.
    expect(leaks(`x ${PRODUCT_SECRET} SFMyNTY.abc`)).toEqual([PRODUCT_SECRET, "SFMyNTY."]);
  });
});

describe("network wait, console and extensions against the hub", () => {
  it("waits for the hub to answer a TCP probe, then joins console and extensions", async () => {
    const identity = sharedSecretIdentity({
      productKey: PRODUCT_KEY,
      productSecret: PRODUCT_SECRET,
      identifier: "dev-topics",
      clock: nodeClock,
    });
    const handled: string[] = [];
    let report: ((event: string, payload: unknown) => boolean) | undefined;
    const health: Extension = {
      name: "health",
      version: "0.0.1",
      attached: (push) => {
        report = push;
      },
      handle: (event) => {
        handled.push(event);
        report?.("report", { value: { metrics: { cpu_usage_percent: 3 } } });
      },
      detached: () => handled.push("detached"),
    };
    const d = startDevice({
      identity,
      config: {
        host: `127.0.0.1:${hub.port}`,
        ssl: { ca: [ca.certPem] },
        connectWaitForNetwork: true,
        remoteConsole: true,
      },
      extensions: [health],
    });
    devices.push(d);
    expect(d.link.state().status).toBe("waiting-for-network");
    const healthReport = hub.waitFor((e) => e.type === "health_report" && e.identifier === "dev-topics");
    await d.waitState((s) => s.topics.device && s.topics.console && s.topics.extensions);
    await healthReport;
    expect(handled).toEqual(["check"]);

    const up = new Promise<unknown>((resolve) => {
      const off = hub.openConsole("dev-topics", (event, payload) => {
        if (event !== "up") return;
        off();
        resolve(payload);
      });
    });
    const unsubscribe = d.link.subscribe((e) => {
      if (e.type === "message" && e.topic === "console" && e.event === "dn") {
        d.link.push(consoleTopic.up(`echo ${(e.payload as { data: string }).data}`));
      }
    });
    expect(hub.sendConsole("dev-topics", "ls")).toBe(true);
    expect(await up).toEqual({ data: "echo ls" });
    unsubscribe();
  });
});

const until = async (check: () => boolean, timeoutMs = 5000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe("an extension the hub will not serve", () => {
  it("is detached when the hub answers its attached push with detach", async () => {
    const id = "dev-ext-refused";
    const identity = sharedSecretIdentity({
      productKey: PRODUCT_KEY,
      productSecret: PRODUCT_SECRET,
      identifier: id,
      clock: nodeClock,
    });
    const geo = new MemoryExtension("geo");
    const attached = (event: string) =>
      hub.waitFor((e) => e.type === "extension_attached" && e.identifier === id && e.event === event);
    const firstGeo = attached("geo:attached");
    const d = startDevice({
      identity,
      config: { host: `127.0.0.1:${hub.port}`, ssl: { ca: [ca.certPem] } },
      extensions: [new MemoryExtension("health"), geo],
    });
    devices.push(d);
    await firstGeo;
    // Disabled for this device, geo is not attachable on its next connection; enabling it again
    // makes the hub push attach, and it answers the device's geo:attached with detach.
    hub.setExtensionEnabled("geo", false, { identifier: id });
    await until(() => geo.detachments === 1);
    const health = attached("health:attached");
    d.link.reconnect();
    await health;
    hub.setExtensionEnabled("geo", true, { identifier: id });
    await until(() => geo.detachments === 2);
    expect(geo.attachments).toBe(2);
    expect(geo.push("location:update", {})).toBe(false);
    expect(d.logger.find("the hub will not serve extension geo")).toHaveLength(1);
  });
});

describe("heartbeats", () => {
  it("the link reports each heartbeat's round trip to the hub", async () => {
    const d = secretDevice("dev-heartbeat", "msgpack", { heartbeatIntervalMs: 100 });
    const event = await d.waitFor((e) => e.type === "heartbeat");
    expect(event).toEqual({ type: "heartbeat", rttMs: expect.any(Number) });
    expect((event as { rttMs: number }).rttMs).toBeGreaterThanOrEqual(0);
    expect((event as { rttMs: number }).rttMs).toBeLessThan(1_000);
  });
});

describe("graceful stop", () => {
  it("leaves device, console and extensions, then closes the websocket with code 1000", async () => {
    const id = "dev-graceful-stop";
    const d = secretDevice(id, "json", { remoteConsole: true });
    await d.waitState((s) => s.topics.device && s.topics.console && s.topics.extensions);
    const seen: HubEvent[] = [];
    const off = hub.on("event", (e) => {
      if ((e.type === "left" || e.type === "disconnected") && e.identifier === id) seen.push(e);
    });
    await d.link.stop();
    await expect.poll(() => seen.length).toBe(4);
    off();
    expect(seen.slice(0, 3).map((e) => (e.type === "left" ? e.topic : e.type))).toEqual([
      "device",
      "console",
      "extensions",
    ]);
    expect(seen[3]).toMatchObject({ type: "disconnected", code: 1000 });
    expect(d.link.state()).toMatchObject({
      status: "stopped",
      topics: { device: false, console: false, extensions: false },
    });
  });
});
