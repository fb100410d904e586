// Join parameters for the three topics, as nerves_hub_link sends them (device-client.md §3.1, §6, §7.1).

/** The protocol versions this agent speaks. */
export const DEVICE_API_VERSION = "2.3.0";
export const CONSOLE_VERSION = "2.0.0";

export interface DeviceJoinInput {
  /**
   * Firmware metadata of the running slot: `nerves_fw_uuid`, `_product`, `_version`, `_platform`,
   * `_architecture` (required by the server), plus `_author`, `_description`, `_vcs_identifier`,
   * `_misc` and any other slot keys. Keys without the `nerves_fw_` prefix are passed through too.
   */
  firmware: Record<string, string>;
  /** `fwup --version`, trimmed; omit when fwup is not installed. */
  fwupVersion?: string;
  /** UUID of the update in progress, so the server keeps its in-flight record across a reconnect. */
  currentlyDownloadingUuid: string | null;
  firmwareValidated: boolean;
  firmwareAutoRevertDetected: boolean;
  /** Ask the server for signing keys right after join (when none are configured). */
  requestFwupPublicKeys: boolean;
  requestArchivePublicKeys: boolean;
  deviceApiVersion?: string;
}

/**
 * Builds the `device` join params. The network interface is not a join param: like nerves_hub_link,
 * report it right after the join with `deviceTopic.reportNetworkInterface`.
 */
export function deviceJoinParams(input: DeviceJoinInput): Record<string, unknown> {
  const params: Record<string, unknown> = { ...input.firmware };
  if (input.fwupVersion !== undefined) params.fwup_version = input.fwupVersion;
  params.device_api_version = input.deviceApiVersion ?? DEVICE_API_VERSION;
  params.console_version = CONSOLE_VERSION;
  if (input.requestFwupPublicKeys) params.fwup_public_keys = "on_connect";
  if (input.requestArchivePublicKeys) params.archive_public_keys = "on_connect";
  params.currently_downloading_uuid = input.currentlyDownloadingUuid;
  params.meta = {
    firmware_auto_revert_detected: input.firmwareAutoRevertDetected,
    firmware_validated: input.firmwareValidated,
  };
  return params;
}

/** The `console` join params (since nerves_hub_link #454 only these two keys). */
export function consoleJoinParams(): Record<string, string> {
  return { console_version: CONSOLE_VERSION, device_api_version: DEVICE_API_VERSION };
}

/** The `extensions` join params: extension name -> version string. */
export function extensionsJoinParams(extensions: Record<string, string>): Record<string, string> {
  return { ...extensions };
}

/** The five metadata keys the server needs for a complete firmware record. */
export const REQUIRED_FIRMWARE_KEYS = [
  "nerves_fw_uuid",
  "nerves_fw_product",
  "nerves_fw_version",
  "nerves_fw_architecture",
  "nerves_fw_platform",
] as const;
