// A stand-in `fw_printenv` program: a shell script that prints a U-Boot environment from a file
// beside it, `name=value` per variable, multi-line values as they are (as the real one does).
import { chmod, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** Writes `DIR/fw_printenv` and its environment; returns the program's path. */
export async function standInFwPrintenv(dir: string, variables: Record<string, string>): Promise<string> {
  const envFile = join(dir, "uboot.env");
  const program = join(dir, "fw_printenv");
  await writeFile(
    envFile,
    Object.entries(variables)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(""),
    { mode: 0o600 },
  );
  await writeFile(program, `#!/bin/sh\nexec cat '${envFile}'\n`);
  await chmod(program, 0o755);
  return program;
}

/** The active slot `a` of a Nerves firmware, as the U-Boot environment holds it. */
export const NERVES_SLOT_A = {
  nerves_fw_active: "a",
  "a.nerves_fw_uuid": "00000000-0000-0000-0000-0000000000a1",
  "a.nerves_fw_product": "widget",
  "a.nerves_fw_version": "1.0.0",
  "a.nerves_fw_platform": "rpi4",
  "a.nerves_fw_architecture": "arm",
  upgrade_available: "0",
};
