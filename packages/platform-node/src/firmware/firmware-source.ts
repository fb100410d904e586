import type { FirmwareMetadata } from "@nerves-hub-ts/ports";

/** The running firmware as the agent sees it: join metadata plus its validation state. */
export interface FirmwareSource extends FirmwareMetadata {
  /** Reads the source once at start so a missing file or command fails before connecting. */
  check(): Promise<void>;
  /** Has the running firmware been marked valid? */
  validated(): Promise<boolean>;
  /** Did the bootloader fall back from a firmware that was never validated? */
  autoRevertDetected(): Promise<boolean>;
  /** Marks the running firmware valid (`nh-device ctl mark-valid`). */
  markValid(): Promise<void>;
}

/** The firmware metadata could not be read or makes no sense. */
export class FirmwareSourceError extends Error {
  override readonly name = "FirmwareSourceError";
}
