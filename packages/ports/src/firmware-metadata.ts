/** Port: facts about the running firmware that go into the `device` join params. */
export interface FirmwareMetadata {
  /** The active slot's `nerves_fw_*` keys (uuid, product, version, platform, architecture, ...). */
  metadata(): Promise<Record<string, string>>;
  /** `fwup --version`, trimmed; undefined when fwup is not installed. */
  fwupVersion(): Promise<string | undefined>;
}
