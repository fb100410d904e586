import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgentConfigError } from "./config-error.js";
import { type ConfigInput, loadConfig } from "./load-config.js";
import { MASK, printableConfig } from "./print-config.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "nh-config-"));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function file(json: unknown, name = `c${Math.random()}.json`): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, typeof json === "string" ? json : JSON.stringify(json));
  return path;
}

const flags = (entries: Record<string, string>): ConfigInput["flags"] =>
  new Map(Object.entries(entries).map(([key, text]) => [key, { flag: `--${key}`, text }]));

const sharedSecret = {
  identifier: "dev-1",
  shared_secret: { product_key: "nhp_abc", product_secret: "s3cret-value" },
};

async function configError(input: ConfigInput): Promise<AgentConfigError> {
  const e = await loadConfig(input).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AgentConfigError);
  return e as AgentConfigError;
}

describe("loadConfig", () => {
  it("uses nerves_hub_link's defaults, the sandbox target and certificate files under data_path", async () => {
    const { config } = await loadConfig({ configPath: await file({}) });
    expect(config.link).toMatchObject({ host: "localhost", heartbeatIntervalMs: 30_000, serializer: "json" });
    expect(config.auth).toBe("certificate");
    expect(config.target).toEqual({ kind: "sandbox", dir: "/data/nerves-hub/sandbox" });
    expect(config.certificate).toEqual({
      cert: { path: "/data/nerves-hub/cert.pem" },
      key: { path: "/data/nerves-hub/key.pem" },
    });
    expect(config.rebootCommand).toBeUndefined();
    expect(config.updatePolicy.mode).toBe("apply");
    expect(config.rebootPolicy.mode).toBe("reboot");
  });

  it("layers file < environment < flags", async () => {
    const path = await file({ host: "file.example", heartbeat_interval_msec: 1000, serializer: "msgpack" });
    const { config, values } = await loadConfig({
      configPath: path,
      env: { NH_HOST: "env.example", NH_HEARTBEAT_INTERVAL_MSEC: "2000" },
      flags: flags({ host: "flag.example" }),
    });
    expect(config.link.host).toBe("flag.example");
    expect(config.link.heartbeatIntervalMs).toBe(2000);
    expect(config.link.serializer).toBe("msgpack");
    expect(values.get("host")?.source).toBe("flag --host");
    expect(values.get("heartbeat_interval_msec")?.source).toBe("env NH_HEARTBEAT_INTERVAL_MSEC");
    expect(values.get("serializer")?.source).toBe(`file ${path}`);
  });

  it("finds the file through NH_CONFIG and reads nested groups", async () => {
    const path = await file({ ...sharedSecret, ssl: { cacertfile: "/etc/ca.pem" } });
    const { config } = await loadConfig({ env: { NH_CONFIG: path } });
    expect(config.auth).toBe("shared_secret");
    expect(config.sharedSecret).toMatchObject({ productKey: "nhp_abc", productSecret: "s3cret-value" });
    expect(config.identifier).toEqual({ kind: "literal", value: "dev-1" });
    expect(config.caCertFile).toBe("/etc/ca.pem");
  });

  it("parses text values from the environment: lists, maps, booleans", async () => {
    const { config } = await loadConfig({
      configPath: await file({}),
      env: {
        NH_FIRMWARE_TARGET: "fwup",
        NH_FWUP_EXTRA_OPTIONS: "--unsafe, --verbose",
        NH_FWUP_ENV: "A=1,B=x=y",
        NH_CONNECT_WAIT_FOR_NETWORK: "no",
        NH_REJOIN_AFTER: "100,200",
      },
    });
    expect(config.target).toMatchObject({ kind: "fwup", extraOptions: ["--unsafe", "--verbose"] });
    expect(config.target).toMatchObject({ env: { A: "1", B: "x=y" } });
    expect(config.link.connectWaitForNetwork).toBe(false);
    expect(config.link.rejoinAfterMs).toEqual([100, 200]);
    expect(config.rebootCommand).toBe("reboot");
  });

  it("takes the identifier from a file or a command", async () => {
    const base = { shared_secret: sharedSecret.shared_secret };
    const fromFile = await loadConfig({
      configPath: await file({ ...base, identifier_file: "/etc/serial" }),
    });
    expect(fromFile.config.identifier).toEqual({ kind: "file", path: "/etc/serial" });
    const fromCommand = await loadConfig({
      configPath: await file(base),
      flags: flags({ identifier_command: "cat /sys/class/dmi/id/product_uuid" }),
    });
    expect(fromCommand.config.identifier).toEqual({
      kind: "command",
      command: "cat /sys/class/dmi/id/product_uuid",
    });
  });

  it("null in the file means unset", async () => {
    const { config } = await loadConfig({ configPath: await file({ host: null }) });
    expect(config.link.host).toBeUndefined();
  });
});

describe("bad configuration names the key and where it came from", () => {
  it("wrong type in the file", async () => {
    const path = await file({ heartbeat_interval_msec: "soon" });
    const e = await configError({ configPath: path });
    expect(e.key).toBe("heartbeat_interval_msec");
    expect(e.message).toBe(
      `config heartbeat_interval_msec: must be an integer >= 0, got "soon" (from file ${path})`,
    );
  });

  it("unknown keys, nested and top-level", async () => {
    expect((await configError({ configPath: await file({ hots: "x" }) })).key).toBe("hots");
    expect((await configError({ configPath: await file({ ssl: { certfil: "x" } }) })).key).toBe(
      "ssl.certfil",
    );
    expect((await configError({ configPath: await file({ ssl: "x" }) })).key).toBe("ssl");
  });

  it("a misspelt NH_ variable", async () => {
    const e = await configError({ configPath: await file({}), env: { NH_HOTS: "x" } });
    expect(e.message).toBe("config NH_HOTS: is not a known setting (from environment)");
  });

  it("bad enum and integer text from the environment and flags", async () => {
    const e1 = await configError({ configPath: await file({}), env: { NH_FIRMWARE_TARGET: "disk" } });
    expect(e1.message).toContain("config firmware_target: must be one of sandbox, fwup");
    expect(e1.source).toBe("env NH_FIRMWARE_TARGET");
    const e2 = await configError({
      configPath: await file({}),
      flags: flags({ update_decision_timeout_ms: "0" }),
    });
    expect(e2.key).toBe("update_decision_timeout_ms");
    expect(e2.message).toContain("must be an integer >= 1");
  });

  it("never echoes a secret", async () => {
    const e = await configError({
      configPath: await file({}),
      env: { NH_SHARED_SECRET_PRODUCT_SECRET: "" },
    });
    expect(e.key).toBe("shared_secret.product_secret");
    const path = await file({ shared_secret: { secret: 12345 } });
    const e2 = await configError({ configPath: path });
    expect(e2.message).not.toContain("12345");
  });

  it("shared-secret auth without a secret or identifier", async () => {
    const noSecret = await configError({
      configPath: await file({ identifier: "d", shared_secret: { product_key: "nhp_x" } }),
    });
    expect(noSecret.key).toBe("shared_secret.product_secret");
    const noId = await configError({
      configPath: await file({ shared_secret: { key: "nhd_x", secret: "s" } }),
    });
    expect(noId.key).toBe("identifier");
    const noKey = await configError({ configPath: await file({ auth: "shared_secret" }) });
    expect(noKey.key).toBe("shared_secret.key");
  });

  it("two identifier sources, or inline PEM next to a file", async () => {
    const e = await configError({
      configPath: await file({ identifier: "a" }),
      env: { NH_IDENTIFIER_COMMAND: "hostname" },
    });
    expect(e.key).toBe("identifier_command");
    const pem = await configError({
      configPath: await file({ ssl: { key: "-----BEGIN PRIVATE KEY-----", keyfile: "/k.pem" } }),
    });
    expect(pem.key).toBe("ssl.key");
    expect(pem.message).not.toContain("BEGIN");
  });

  it("the link's own checks come back under the setting name", async () => {
    const e = await configError({ configPath: await file({ proxy: "socks://p:1" }) });
    expect(e.key).toBe("proxy");
    expect(e.message).toContain("must use http: or https:");
  });

  it("a firmware cache in data_path itself, or holding the identity files", async () => {
    const cases: [object, RegExp][] = [
      [{ data_path: "/data/nh", firmware_cache_dir: "/data/nh/" }, /\/data\/nh\/ is data_path/],
      [{ data_path: "/data/nh", firmware_cache_dir: "/data" }, /\/data holds data_path \(\/data\/nh\)/],
      [
        { data_path: "/data/nh", firmware_cache_dir: "/etc/nh", ssl: { keyfile: "/etc/nh/id/key.pem" } },
        /\/etc\/nh holds ssl\.keyfile \(\/etc\/nh\/id\/key\.pem\)/,
      ],
    ];
    for (const [settings, message] of cases) {
      const e = await configError({ configPath: await file(settings) });
      expect(e.key).toBe("firmware_cache_dir");
      expect(e.message).toMatch(message);
      expect(e.message).toContain("such as /data/nh/firmware");
    }
    const fine = await loadConfig({
      configPath: await file({ data_path: "/data/nh", firmware_cache_dir: "/data/nh-cache" }),
    });
    expect(fine.config.cacheDir).toBe("/data/nh-cache");
  });

  it("a missing or malformed config file", async () => {
    expect((await configError({ configPath: join(dir, "nope.json") })).message).toContain("cannot read");
    expect((await configError({ configPath: await file("{ nope") })).message).toContain("not valid JSON");
  });
});

describe("printableConfig", () => {
  it("masks secrets, shows defaults and sources", async () => {
    const path = await file({ ...sharedSecret, ssl: { key: "-----BEGIN PRIVATE KEY-----\nabc" } });
    const { values } = await loadConfig({ configPath: path });
    const printed = printableConfig(values);
    const text = JSON.stringify(printed);
    expect(text).not.toContain("s3cret-value");
    expect(text).not.toContain("BEGIN PRIVATE KEY");
    expect(printed.config.shared_secret).toMatchObject({
      product_key: "nhp_abc",
      product_secret: MASK,
      secret: null,
    });
    expect((printed.config.ssl as Record<string, unknown>).key).toBe(MASK);
    expect(printed.config.host).toBe("localhost");
    expect(printed.config.auth).toBe("shared_secret");
    expect(printed.sources.auth).toBe("default (computed)");
    expect(printed.sources.identifier).toBe(`file ${path}`);
  });
});
