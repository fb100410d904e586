// The kit's test hub over TLS (a development PKI, the product key, a signing key), plus config
// files for agents that talk to it.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PemCredential } from "@nerves-hub-ts/dev-pki";
import type { DeviceReportEvent, Hub } from "@nerves-hub-ts/hub";
import { startTestHub } from "@nerves-hub-ts/hub/testing";

export const PRODUCT_KEY = "nhp_device_app_test";
export const PRODUCT_SECRET = "device-app-test-secret";
/** Any 32-byte key: the sandbox cannot check signatures, but the agent refuses updates without a key. */
export const SIGNING_KEY = Buffer.alloc(32, 7).toString("base64");

export const RUNNING_FIRMWARE = {
  nerves_fw_uuid: "00000000-0000-0000-0000-000000000001",
  nerves_fw_product: "widget",
  nerves_fw_version: "1.0.0",
  nerves_fw_platform: "x86_64",
  nerves_fw_architecture: "x86_64",
};

export interface HubFixture {
  hub: Hub;
  ca: PemCredential;
  dir: string;
  caFile: string;
  metadataFile: string;
  /** A directory and config file for one agent; `settings` are merged over the common ones. */
  agentConfig(name: string, settings: Record<string, unknown>): Promise<AgentFiles>;
  /** Settings for shared-secret auth as `identifier`. */
  sharedSecret(identifier: string): Record<string, unknown>;
  /** Writes a CA-signed certificate and key for `identifier`; returns its settings. */
  certificate(identifier: string): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export interface AgentFiles {
  dir: string;
  configFile: string;
  socket: string;
  dataPath: string;
  sandboxFile: string;
  config: Record<string, unknown>;
}

/** The fixture's temporary directory is removed by `close()`, or at once if starting fails. */
export async function startHubFixture(): Promise<HubFixture> {
  const dir = await mkdtemp(join(tmpdir(), "nh-device-e2e-"));
  try {
    return await hubFixtureIn(dir);
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}

async function hubFixtureIn(dir: string): Promise<HubFixture> {
  const testHub = await startTestHub({
    tls: true,
    productKey: { key: PRODUCT_KEY, secret: PRODUCT_SECRET },
    signingKeys: [SIGNING_KEY],
  });
  const { hub, ca } = testHub;
  const caFile = join(dir, "ca.pem");
  const metadataFile = join(dir, "firmware.json");
  try {
    await writeFile(caFile, ca.certPem);
    await writeFile(metadataFile, JSON.stringify(RUNNING_FIRMWARE));
  } catch (e) {
    await hub.close();
    throw e;
  }

  return {
    hub,
    ca,
    dir,
    caFile,
    metadataFile,
    sharedSecret: (identifier) => ({
      identifier,
      shared_secret: { product_key: PRODUCT_KEY, product_secret: PRODUCT_SECRET },
    }),
    async certificate(identifier) {
      const device = await testHub.deviceCert(identifier);
      const certDir = join(dir, "certs", identifier);
      await mkdir(certDir, { recursive: true });
      await writeFile(join(certDir, "cert.pem"), device.certPem);
      await writeFile(join(certDir, "key.pem"), device.keyPem, { mode: 0o600 });
      return { ssl: { certfile: join(certDir, "cert.pem"), keyfile: join(certDir, "key.pem") } };
    },
    async agentConfig(name, settings) {
      const agentDir = join(dir, name);
      await mkdir(agentDir, { recursive: true });
      const dataPath = join(agentDir, "data");
      const socket = join(agentDir, "control.sock");
      const common = {
        host: testHub.host,
        data_path: dataPath,
        control_socket: socket,
        firmware_metadata_file: metadataFile,
        connect_wait_for_network: false,
        socket: { reconnect_after_msec: [200] },
        log_level: "debug",
      };
      const config = { ...common, ...settings, ssl: { cacertfile: caFile, ...(settings.ssl as object) } };
      const configFile = join(agentDir, "config.json");
      // 0600 like a real one: the agent warns about a config file with secrets that others can read.
      await writeFile(configFile, JSON.stringify(config, null, 2), { mode: 0o600 });
      return {
        dir: agentDir,
        configFile,
        socket,
        dataPath,
        sandboxFile: join(dataPath, "sandbox", "firmware.fw"),
        config,
      };
    },
    async close() {
      try {
        await hub.close();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Resolves with the device's next `status_update` of `status`. */
export const waitForStatus = (hub: Hub, identifier: string, status: string, timeoutMs: number) =>
  hub.waitFor(
    (e) =>
      e.type === "status_update" &&
      e.identifier === identifier &&
      (e.payload as { status?: string }).status === status,
    timeoutMs,
  ) as Promise<DeviceReportEvent>;
