// The real `nh-device` binary as a child process: `ctl status` against a running agent, a clean
// stop on SIGTERM in the middle of a download and the resume on the next start, and bad
// configuration refused with a message that names the setting.
import { chmod, mkdir, readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { CACHE_FOLDER } from "@nerves-hub-ts/firmware-fwup/testing";
import { firmwareBytes } from "@nerves-hub-ts/hub/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blockDeviceOrSkip } from "../test-support/block-device.js";
import { CliProcess, runCli } from "../test-support/cli-process.js";
import { NERVES_SLOT_A, standInFwPrintenv } from "../test-support/fw-printenv.js";
import {
  type HubFixture,
  PRODUCT_KEY,
  PRODUCT_SECRET,
  startHubFixture,
} from "../test-support/hub-fixture.js";

let fx: HubFixture;
beforeAll(async () => {
  fx = await startHubFixture();
});
afterAll(() => fx.close());

const joinedAt = (p: CliProcess) => p.waitForLog("joined the device topic");

async function stopped(p: CliProcess) {
  p.kill("SIGTERM");
  return p.exited;
}

describe("nh-device CLI", () => {
  it("ctl status and mark-valid talk to the running agent", async () => {
    const files = await fx.agentConfig("cli-status", fx.sharedSecret("cli-status-device"));
    await chmod(files.configFile, 0o640);
    const agent = new CliProcess(["run", "--config", files.configFile]);
    try {
      await joinedAt(agent);
      // A config file with secrets that the group may read: a warning in the log, not a refusal.
      expect(agent.logs.find((l) => l.msg.includes("readable by group or others"))).toMatchObject({
        level: 40,
        file: files.configFile,
        msg: expect.stringContaining("(mode 0640)"),
      });
      const status = await runCli(["ctl", "status", "--control-socket", files.socket]);
      expect(status.code).toBe(0);
      expect(JSON.parse(status.stdout)).toMatchObject({
        identifier: "cli-status-device",
        connection: { status: "joined" },
        firmware: { target: "sandbox", validated: true },
      });
      // ctl finds the socket through the agent's config file too.
      const valid = await runCli(["ctl", "mark-valid", "--config", files.configFile]);
      expect(valid.code).toBe(0);
      expect(JSON.parse(valid.stdout)).toEqual({ validated: true });
      expect(agent.stderrText()).not.toContain(PRODUCT_SECRET);
    } finally {
      expect((await stopped(agent)).code).toBe(0);
    }
  });

  it("SIGTERM mid-download stops cleanly; the next start resumes the download where it stopped", async () => {
    const id = "resume-device";
    const files = await fx.agentConfig("cli-resume", fx.sharedSecret(id));
    const bytes = firmwareBytes(1_500_000, 5);
    const fw = await fx.hub.addFirmware(bytes, { version: "3.0.0" });
    const partial = join(files.dataPath, "firmware", CACHE_FOLDER, `${fw.uuid}.partial`);

    const first = new CliProcess(["run", "--config", files.configFile]);
    await joinedAt(first);
    fx.hub.injectFault({ identifier: id }, { bytesPerSecond: 300_000, once: true });
    fx.hub.deploy(fw.uuid, { to: id });
    await expect
      .poll(async () => (await stat(partial).catch(() => undefined))?.size ?? 0, { timeout: 10_000 })
      .toBeGreaterThan(200_000);
    const disconnected = fx.hub.waitFor((e) => e.type === "disconnected" && e.identifier === id, 10_000);
    expect(await stopped(first)).toEqual({ code: 0, signal: null });
    // A normal websocket close after leaving the channels, not a dropped socket (1006).
    expect(((await disconnected) as { code: number }).code).toBe(1000);
    await first.waitForLog("agent stopped");
    const kept = (await stat(partial)).size;
    expect(kept).toBeGreaterThan(200_000);
    expect(kept).toBeLessThan(bytes.length);

    const second = new CliProcess(["run", "--config", files.configFile]);
    try {
      await joinedAt(second);
      const resumed = fx.hub.waitFor((e) => e.type === "firmware_download" && e.identifier === id, 10_000);
      const completed = fx.hub.waitFor(
        (e) =>
          e.type === "status_update" &&
          e.identifier === id &&
          (e.payload as { status: string }).status === "completed",
        15_000,
      );
      fx.hub.deploy(fw.uuid, { to: id });
      expect(await resumed).toMatchObject({ range: `bytes=${kept}-` });
      await completed;
      expect(Buffer.from(await readFile(files.sandboxFile)).equals(Buffer.from(bytes))).toBe(true);
      // Installed: the cached image is removed, it can serve no resume now.
      expect(await readdir(join(files.dataPath, "firmware", CACHE_FOLDER))).toEqual([]);
    } finally {
      expect((await stopped(second)).code).toBe(0);
    }
  });

  it("bad configuration is refused with exit 78 and a line naming the setting", async () => {
    const files = await fx.agentConfig("cli-bad", fx.sharedSecret("bad-device"));
    const cases: Array<{ args: string[]; env?: Record<string, string>; message: RegExp }> = [
      {
        args: ["run", "--config", files.configFile, "--heartbeat-interval-msec", "soon"],
        message:
          /config heartbeat_interval_msec: must be an integer >= 0, got "soon" \(from flag --heartbeat-interval-msec\)/,
      },
      {
        args: ["run", "--config", files.configFile],
        env: { NH_UPDATE_POLICY: "maybe" },
        message: /config update_policy: must be one of apply, ask, got "maybe" \(from env NH_UPDATE_POLICY\)/,
      },
      {
        args: [
          "run",
          "--config",
          files.configFile,
          "--auth",
          "certificate",
          "--ssl-certfile",
          "/nonexistent/cert.pem",
        ],
        message: /cannot read cert file \/nonexistent\/cert.pem \(ENOENT\)/,
      },
      {
        args: ["run", "--config", files.configFile, "--shared-secret-product-secret", ""],
        message: /config shared_secret.product_secret: must be a non-empty string \(from flag/,
      },
    ];
    cases.push({
      args: [
        "run",
        "--config",
        files.configFile,
        "--firmware-target",
        "fwup",
        "--fwup-devpath",
        "/tmp/image.img",
      ],
      env: { NH_FWUP_COMMAND: "/nonexistent/fwup" },
      message: /config fwup_command: `\/nonexistent\/fwup --version` does not run; install fwup/,
    });
    const results = await Promise.all(cases.map((c) => runCli(c.args, c.env)));
    results.forEach((r, i) => {
      const c = cases[i] as (typeof cases)[number];
      expect(r.code, r.stderr).toBe(78);
      expect(r.stderr).toMatch(c.message);
      expect(r.stderr).not.toContain(PRODUCT_SECRET);
    });
  });

  it("a block device as fwup_devpath is refused with exit 78", async (ctx) => {
    const blockDevice = await blockDeviceOrSkip(ctx);
    const files = await fx.agentConfig("cli-block", fx.sharedSecret("block-device"));
    const args = ["--firmware-target", "fwup", "--fwup-devpath", blockDevice];
    const r = await runCli(["run", "--config", files.configFile, ...args]);
    expect(r.code, r.stderr).toBe(78);
    expect(r.stderr).toMatch(
      new RegExp(`config fwup_devpath: ${blockDevice} is a block device; .*fwup_allow_block_device`),
    );
    expect(r.stderr).not.toContain(PRODUCT_SECRET);
  });

  it("on a U-Boot device, credentials and the identifier come from fw_printenv; secrets are never printed", async () => {
    const envDir = join(fx.dir, "cli-uboot-env");
    await mkdir(envDir, { recursive: true });
    const fwPrintenv = await standInFwPrintenv(envDir, {
      ...NERVES_SLOT_A,
      nh_shared_product_key: PRODUCT_KEY,
      nh_shared_product_secret: PRODUCT_SECRET,
      nerves_serial_number: "uboot-serial-1",
    });
    const files = await fx.agentConfig("cli-uboot", {
      firmware_metadata: "fw_printenv",
      fw_printenv_command: fwPrintenv,
    });
    const printed = await runCli(["run", "--config", files.configFile, "--print-config"]);
    expect(printed.code, printed.stderr).toBe(0);
    expect(JSON.parse(printed.stdout)).toMatchObject({
      config: { identifier: "uboot-serial-1", shared_secret: { product_secret: "********" } },
      sources: {
        identifier: "u-boot env nerves_serial_number",
        "shared_secret.product_key": "u-boot env nh_shared_product_key",
        "shared_secret.product_secret": "u-boot env nh_shared_product_secret",
      },
    });
    expect(printed.stdout + printed.stderr).not.toContain(PRODUCT_SECRET);

    const agent = new CliProcess(["run", "--config", files.configFile]);
    try {
      await joinedAt(agent);
      const status = await runCli(["ctl", "status", "--control-socket", files.socket]);
      expect(JSON.parse(status.stdout)).toMatchObject({
        identifier: "uboot-serial-1",
        auth: "shared_secret",
        firmware: { uuid: NERVES_SLOT_A["a.nerves_fw_uuid"] },
      });
    } finally {
      expect((await stopped(agent)).code).toBe(0);
    }
    expect(agent.stderrText()).not.toContain(PRODUCT_SECRET);
  });

  it("--print-config shows the effective settings with secrets masked", async () => {
    const files = await fx.agentConfig("cli-print", fx.sharedSecret("print-device"));
    await chmod(files.configFile, 0o644);
    const r = await runCli(["run", "--config", files.configFile, "--print-config"], {
      NH_HOST: "hub.example.com",
    });
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.stdout);
    expect(printed.config.host).toBe("hub.example.com");
    expect(printed.sources.host).toBe("env NH_HOST");
    expect(printed.config.shared_secret.product_secret).toBe("********");
    expect(r.stdout).not.toContain(PRODUCT_SECRET);
    expect(r.stderr).toContain(
      `nh-device: warning: config file ${files.configFile} holds secrets (shared_secret.product_secret) and is readable by group or others (mode 0644)`,
    );
    expect(r.stderr).not.toContain(PRODUCT_SECRET);
  });
});
