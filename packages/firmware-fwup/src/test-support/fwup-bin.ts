// How tests reach fwup: the real CLI when it is on PATH, else the stand-in script beside this file.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { FwupRunnerOptions } from "../fwup-runner.js";

export const FAKE_FWUP = fileURLToPath(new URL("./fake-fwup.mjs", import.meta.url));

/** True when a real `fwup` is on PATH. */
export const hasFwup = spawnSync("fwup", ["--version"], { stdio: "ignore" }).status === 0;

export const FWUP_INSTALL_HINT =
  "fwup is not on PATH, so the real-fwup tests are skipped. Install a release from " +
  "github.com/fwup-home/fwup/releases (fwup is not packaged for Debian 12): the .deb for amd64, " +
  "or build from source with libconfuse-dev, libarchive-dev and libsodium-dev.";

/** Runner options that start the stand-in fwup with the given FAKE_FWUP_* settings. */
export function fakeFwup(
  env: Record<string, string> = {},
): Pick<FwupRunnerOptions, "command" | "commandPrefix" | "env"> {
  return { command: process.execPath, commandPrefix: [FAKE_FWUP], env };
}
