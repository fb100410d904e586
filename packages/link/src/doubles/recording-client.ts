import type { Client } from "@nerves-hub-ts/ports";

/** A Client that records every callback and answers the firmware questions as told; also a test double. */
export class RecordingClient implements Client {
  readonly calls: string[] = [];
  readonly errors: Error[] = [];
  validated = true;
  autoRevert = false;

  reboot(): void {
    this.calls.push("reboot");
  }
  identify(): void {
    this.calls.push("identify");
  }
  firmwareValidated(): boolean {
    return this.validated;
  }
  firmwareAutoRevertDetected(): boolean {
    return this.autoRevert;
  }
  handleError(error: Error): void {
    this.calls.push("handleError");
    this.errors.push(error);
  }
  connected(): void {
    this.calls.push("connected");
  }
}
