// On a Nerves-style device (`firmware_metadata: "fw_printenv"`) nerves_hub_link finds its credentials
// in the U-Boot environment when its configuration has none, and names a shared-secret device by the
// board's serial number. This fills the settings that nothing else set from those variables, each with
// the variable as its source: the file, the environment and flags still win.
import { readUbootEnv } from "@nerves-hub-ts/platform-node";
import { parseTextValue } from "./setting-value.js";
import type { SettingValues } from "./setting-values.js";
import { SETTINGS_BY_KEY } from "./settings.js";

/** Where boardid's usual configuration on a Nerves system looks for the serial number, in order. */
export const SERIAL_NUMBER_VARIABLES = ["nerves_serial_number", "serial_number"] as const;

export async function fillFromUbootEnv(values: SettingValues, printenvCommand: string): Promise<void> {
  const env = await readUbootEnv(printenvCommand);
  const unset = (...keys: string[]) => keys.every((k) => !values.has(k));
  const fill = (key: string, variable: string): boolean => {
    const text = env[variable];
    const setting = SETTINGS_BY_KEY.get(key);
    if (text === undefined || text.trim() === "" || !setting) return false;
    const source = `u-boot env ${variable}`;
    values.set(key, { value: parseTextValue(setting, text, source), source });
    return true;
  };

  // A key from the configuration is never swapped for one from U-Boot, device key or product key.
  if (unset("shared_secret.key", "shared_secret.product_key")) {
    fill("shared_secret.key", "nh_shared_key");
    fill("shared_secret.product_key", "nh_shared_product_key");
  }
  if (unset("shared_secret.secret")) fill("shared_secret.secret", "nh_shared_secret");
  if (unset("shared_secret.product_secret")) fill("shared_secret.product_secret", "nh_shared_product_secret");
  if (unset("ssl.cert", "ssl.certfile")) fill("ssl.cert", "nerves_hub_cert");
  if (unset("ssl.key", "ssl.keyfile")) fill("ssl.key", "nerves_hub_key");

  // Only a shared-secret device signs an identifier; a certificate names the device by its CN.
  const auth = values.get("auth")?.value;
  const sharedSecret =
    auth === "shared_secret" ||
    (auth === undefined && !unset("shared_secret.key", "shared_secret.product_key"));
  if (sharedSecret && unset("identifier", "identifier_file", "identifier_command")) {
    SERIAL_NUMBER_VARIABLES.some((variable) => fill("identifier", variable));
  }
}
