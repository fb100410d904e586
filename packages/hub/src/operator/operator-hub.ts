// What the operator API and console need from the hub: its actions, its core and the bearer token.
import type { ExtensionName } from "@nerves-hub-ts/protocol";
import type { HubCore } from "../core.js";
import type { DeviceRecord } from "../devices/device-record.js";
import type { FaultTarget, FirmwareFault } from "../firmware/faults.js";
import type { FirmwareMetaInput, FirmwareRecord } from "../firmware/store.js";

/** The hub actions an operator can trigger over HTTP or the console websocket. */
export interface OperatorHub {
  devices(): DeviceRecord[];
  device(identifier: string): DeviceRecord | undefined;
  reboot(identifier: string): boolean;
  identify(identifier: string): boolean;
  kick(identifier: string): boolean;
  dropAll(): number;
  runScript(identifier: string, text: string): Promise<string>;
  push(
    identifier: string,
    topic: string,
    event: string,
    payload: unknown,
    options?: { fastlane?: boolean },
  ): boolean;
  sendArchive(identifier: string, archive: { firmwareUuid: string }): boolean;
  sendConsole(identifier: string, data: string): boolean;
  openConsole(identifier: string, listener: (event: string, payload: unknown) => void): () => void;
  setExtensionEnabled(name: ExtensionName, enabled: boolean, options?: { identifier?: string }): void;
  addFirmware(source: Uint8Array, meta?: FirmwareMetaInput): Promise<FirmwareRecord>;
  /** Answers with a JSON-ready summary of who got the update. */
  deploy(firmwareUuid: string, options: { to: string | string[]; deploymentId?: number | null }): object;
  injectFault(target: FaultTarget, fault: FirmwareFault): () => void;
  clearFaults(): void;
}

export interface OperatorDeps {
  core: HubCore;
  hub: OperatorHub;
  operatorToken: string;
}
