// --print-config: the effective settings as the nested JSON a config file would hold, secrets masked,
// plus where each value came from. Unset settings show as null.
import type { SettingValues } from "./setting-values.js";
import { SETTINGS } from "./settings.js";

export const MASK = "********";

export interface PrintedConfig {
  config: Record<string, unknown>;
  sources: Record<string, string>;
}

export function printableConfig(values: SettingValues): PrintedConfig {
  const config: Record<string, unknown> = {};
  const sources: Record<string, string> = {};
  for (const setting of SETTINGS) {
    const entry = values.get(setting.key);
    const value = entry === undefined ? null : setting.secret ? MASK : entry.value;
    const [group, name] = setting.key.includes(".") ? setting.key.split(".") : [undefined, setting.key];
    if (group !== undefined && name !== undefined) {
      config[group] = { ...(config[group] as Record<string, unknown> | undefined), [name]: value };
    } else {
      config[setting.key] = value;
    }
    if (entry) sources[setting.key] = entry.source;
  }
  return { config, sources };
}
