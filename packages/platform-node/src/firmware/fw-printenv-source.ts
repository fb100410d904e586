// Firmware metadata from the U-Boot environment, read with `fw_printenv` the way a Nerves system lays
// it out: `nerves_fw_active` names the slot (`a`), the slot's keys are `a.nerves_fw_uuid`, … and go
// into the join without the prefix (device-client.md §3.1); validation follows nerves_runtime.
import { CommandError, runShell, shellQuote } from "../shell.js";
import { type FirmwareSource, FirmwareSourceError } from "./firmware-source.js";

export interface FwPrintenvOptions {
  printenvCommand: string;
  setenvCommand: string;
  fwupVersion: () => Promise<string | undefined>;
}

/**
 * `key=value` lines; a line without `=` is ignored. A PEM value (`nerves_hub_cert`, `nerves_hub_key`)
 * spans lines, which fw_printenv prints as they are: lines up to its last END line belong to it.
 */
export function parsePrintenv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  let last: string | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.replace(/\r$/, "");
    const value = last === undefined ? undefined : env[last];
    if (last !== undefined && value !== undefined && continuesPem(value, line)) {
      env[last] = `${value}\n${line}`;
      continue;
    }
    const eq = line.indexOf("=");
    last = eq > 0 ? line.slice(0, eq) : undefined;
    if (last !== undefined) env[last] = line.slice(eq + 1);
  }
  return env;
}

const count = (text: string, marker: string) => text.split(marker).length - 1;

/** Inside a PEM block, or the next block of a chain. */
const continuesPem = (value: string, line: string): boolean =>
  count(value, "-----BEGIN ") > count(value, "-----END ") ||
  (line.startsWith("-----BEGIN ") && value.includes("-----END "));

/** The whole U-Boot environment as `printenvCommand` prints it. */
export async function readUbootEnv(printenvCommand: string): Promise<Record<string, string>> {
  try {
    return parsePrintenv(await runShell(printenvCommand));
  } catch (e) {
    const why = e instanceof CommandError ? e.message : String(e);
    throw new FirmwareSourceError(`firmware_metadata fw_printenv: ${why}`);
  }
}

/** The active slot's keys without their `<slot>.` prefix. */
export function activeSlotMetadata(env: Record<string, string>): Record<string, string> {
  const active = env.nerves_fw_active;
  if (!active) return {};
  const prefix = `${active}.`;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
  return out;
}

/** nerves_runtime: `upgrade_available` 0/1 decides; else `nerves_fw_validated` (slot, then global); unknown is valid. */
export function isValidated(env: Record<string, string>): boolean {
  if (env.upgrade_available === "0") return true;
  if (env.upgrade_available === "1") return false;
  const slot = env.nerves_fw_active;
  const flag = (slot ? env[`${slot}.nerves_fw_validated`] : undefined) ?? env.nerves_fw_validated;
  return flag !== "0";
}

/** Another slot holds a firmware that was never validated but is complete: the bootloader went back. */
export function isAutoReverted(env: Record<string, string>): boolean {
  const active = env.nerves_fw_active;
  if (!active) return false;
  const slots = new Set(
    Object.keys(env)
      .filter((k) => k.includes("."))
      .map((k) => k.slice(0, k.indexOf("."))),
  );
  for (const slot of slots) {
    if (slot === active) continue;
    if (
      env[`${slot}.nerves_fw_validated`] === "0" &&
      env[`${slot}.nerves_fw_platform`] &&
      env[`${slot}.nerves_fw_architecture`]
    ) {
      return true;
    }
  }
  return false;
}

export function fwPrintenvSource(options: FwPrintenvOptions): FirmwareSource {
  const read = () => readUbootEnv(options.printenvCommand);
  return {
    async check() {
      const env = await read();
      if (!env.nerves_fw_active) {
        throw new FirmwareSourceError(
          `firmware_metadata fw_printenv: \`${options.printenvCommand}\` shows no nerves_fw_active`,
        );
      }
    },
    metadata: async () => activeSlotMetadata(await read()),
    fwupVersion: options.fwupVersion,
    validated: async () => isValidated(await read()),
    autoRevertDetected: async () => isAutoReverted(await read()),
    async markValid() {
      // What nerves_runtime's validate_firmware writes.
      for (const [k, v] of [
        ["upgrade_available", "0"],
        ["nerves_fw_validated", "1"],
      ] as const) {
        await runShell(`${options.setenvCommand} ${shellQuote(k)} ${shellQuote(v)}`);
      }
    },
  };
}
