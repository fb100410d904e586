// What the agent opens before it builds the link, each checked so that a broken setup fails at
// start with the setting to fix: the data folder, the firmware target and metadata source (with
// fwup installed for an fwup target), the identity and the hub's CA certificates.
import { mkdir, readFile } from "node:fs/promises";
import type { FirmwareSource } from "@nerves-hub-ts/platform-node";
import {
  fwPrintenvSource,
  fwupVersionProbe,
  JsonFileStorage,
  metadataFileSource,
} from "@nerves-hub-ts/platform-node";
import type { Clock, Identity, Logger } from "@nerves-hub-ts/ports";
import type { AgentConfig } from "../config/agent-config.js";
import { AgentConfigError } from "../config/config-error.js";
import { checkFirmwareTarget } from "../firmware/firmware-target.js";
import { deviceIdentity } from "../identity/device-identity.js";

export interface DeviceResources {
  firmware: FirmwareSource;
  /** The running firmware's `nerves_fw_*` metadata, read once at start. */
  running: Readonly<Record<string, string>>;
  identity: Identity;
  /** The hub's CA certificates (PEM) from ssl.cacertfile; undefined means the system store. */
  caPem: string | undefined;
}

export async function openDeviceResources(
  config: AgentConfig,
  log: Logger,
  clock: Clock,
): Promise<DeviceResources> {
  await mkdir(config.dataPath, { recursive: true }).catch((e: NodeJS.ErrnoException) => {
    throw new AgentConfigError("data_path", `cannot create ${config.dataPath} (${e.code ?? e.message})`);
  });
  const storage = await JsonFileStorage.open(config.dataPath);
  await checkFirmwareTarget(config.target);
  const firmware = firmwareSource(config, storage);
  await firmware.check();
  if (config.target.kind === "fwup" && (await firmware.fwupVersion()) === undefined) {
    // nerves_hub_link does not start without fwup either; better now than at the first update.
    throw new AgentConfigError(
      "fwup_command",
      `\`${config.target.command} --version\` does not run; install fwup`,
    );
  }
  const running = await firmware.metadata();
  const identity = await deviceIdentity(config, clock);
  if (config.auth === "certificate" && config.identifier) {
    log.warn(
      "identifier settings are not used with certificate auth: the hub knows the device by its certificate CN",
    );
  }
  const caPem = config.caCertFile ? await readCa(config.caCertFile) : undefined;
  return { firmware, running, identity, caPem };
}

function firmwareSource(config: AgentConfig, storage: JsonFileStorage): FirmwareSource {
  const fwupVersion = fwupVersionProbe(config.target.kind === "fwup" ? config.target.command : "fwup");
  const source = config.firmwareMetadata;
  return source.kind === "file"
    ? metadataFileSource({ path: source.path, storage, fwupVersion })
    : fwPrintenvSource({
        printenvCommand: source.printenvCommand,
        setenvCommand: source.setenvCommand,
        fwupVersion,
      });
}

async function readCa(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (e) {
    throw new AgentConfigError(
      "ssl.cacertfile",
      `cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? e})`,
    );
  }
}
