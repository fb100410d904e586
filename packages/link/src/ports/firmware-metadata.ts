/** Port: facts about the running firmware that go into the `device` join params. */
export interface FirmwareMetadata {
  /** The active slot's `nerves_fw_*` keys (uuid, product, version, platform, architecture, ...). */
  metadata(): Promise<Record<string, string>>;
  /** `fwup --version`, trimmed; undefined when fwup is not installed. */
  fwupVersion(): Promise<string | undefined>;
}

/** A FirmwareMetadata with fixed values; also a test double. */
export class StaticFirmwareMetadata implements FirmwareMetadata {
  constructor(
    readonly values: Record<string, string>,
    readonly fwup?: string,
  ) {}
  async metadata(): Promise<Record<string, string>> {
    return { ...this.values };
  }
  async fwupVersion(): Promise<string | undefined> {
    return this.fwup;
  }
}
