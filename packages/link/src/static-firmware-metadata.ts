import type { FirmwareMetadata } from "@nerves-hub-ts/ports";

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
