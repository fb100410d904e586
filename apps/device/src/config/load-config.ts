// Gathers settings from the defaults, a JSON file, NH_* environment variables and flags, each layer
// overriding the one before, and remembers where every value came from. On a U-Boot device,
// credentials and the identifier that none of them set come from the U-Boot environment.
import { open } from "node:fs/promises";
import { isRecord } from "@nerves-hub-ts/protocol";
import { type AgentConfig, buildAgentConfig } from "./agent-config.js";
import { AgentConfigError } from "./config-error.js";
import { jsonSyntaxErrorAt } from "./json-syntax.js";
import { checkJsonValue, parseTextValue } from "./setting-value.js";
import type { SettingValues } from "./setting-values.js";
import { envName, SETTINGS, SETTINGS_BY_KEY } from "./settings.js";
import { fillFromUbootEnv } from "./uboot-env-settings.js";

export const DEFAULT_CONFIG_PATH = "/etc/nh-device/config.json";
/** The environment variable naming the config file (like --config). */
export const CONFIG_ENV = "NH_CONFIG";

export interface ConfigInput {
  /** Setting flags: key -> [flag as typed, text]. */
  flags?: ReadonlyMap<string, { flag: string; text: string }>;
  env?: Readonly<Record<string, string | undefined>>;
  /** --config; else NH_CONFIG; else /etc/nh-device/config.json when it exists. */
  configPath?: string;
}

export interface LoadedConfig {
  config: AgentConfig;
  /** Every setting (computed defaults included), for --print-config. */
  values: SettingValues;
  /** The config file that was read, if any. */
  file: string | undefined;
  /** Problems worth a warning that do not stop the agent (a config file with secrets others can read). */
  warnings: string[];
}

const GROUPS = new Set(SETTINGS.filter((s) => s.key.includes(".")).map((s) => s.key.split(".")[0] as string));

export async function loadConfig(input: ConfigInput = {}): Promise<LoadedConfig> {
  const env = input.env ?? {};
  const values: SettingValues = new Map();
  for (const s of SETTINGS) {
    if (s.default !== undefined) values.set(s.key, { value: s.default, source: "default" });
  }
  const explicit = input.configPath ?? nonEmpty(env[CONFIG_ENV]);
  const file = await readConfigFile(explicit ?? DEFAULT_CONFIG_PATH, explicit !== undefined);
  const warnings: string[] = [];
  if (file) {
    const source = `file ${file.path}`;
    flattenFile(file.json, "", source, values);
    const secrets = SETTINGS.filter((s) => s.secret && values.get(s.key)?.source === source);
    // ssh's rule for private keys: a secret others may read is no longer a secret.
    if (secrets.length > 0 && (file.mode & 0o044) !== 0) {
      warnings.push(
        `config file ${file.path} holds secrets (${secrets.map((s) => s.key).join(", ")}) and is ` +
          `readable by group or others (mode ${modeText(file.mode)}); chmod 600 it`,
      );
    }
  }
  readEnv(env, values);
  for (const [key, { flag, text }] of input.flags ?? []) {
    const setting = SETTINGS_BY_KEY.get(key);
    if (!setting) throw new AgentConfigError(key, "is not a known setting", `flag ${flag}`);
    const source = `flag ${flag}`;
    values.set(key, { value: parseTextValue(setting, text, source), source });
  }
  const printenv = values.get("fw_printenv_command")?.value;
  if (values.get("firmware_metadata")?.value === "fw_printenv" && typeof printenv === "string") {
    await fillFromUbootEnv(values, printenv);
  }
  const config = buildAgentConfig(values);
  return { config, values, file: file?.path, warnings };
}

async function readConfigFile(
  path: string,
  required: boolean,
): Promise<{ path: string; json: unknown; mode: number } | undefined> {
  let text: string;
  let mode: number;
  try {
    const handle = await open(path, "r");
    try {
      mode = (await handle.stat()).mode;
      text = await handle.readFile("utf8");
    } finally {
      await handle.close();
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (!required && code === "ENOENT") return undefined;
    throw new AgentConfigError("file", `cannot read ${path} (${code ?? String(e)})`);
  }
  try {
    return { path, json: JSON.parse(text), mode };
  } catch {
    // Never the parser's message: it quotes the text, which may be a secret.
    const at = jsonSyntaxErrorAt(text);
    const where = at ? ` (line ${at.line}, column ${at.column})` : "";
    throw new AgentConfigError("file", `${path} is not valid JSON${where}`);
  }
}

const modeText = (mode: number): string => `0${(mode & 0o777).toString(8).padStart(3, "0")}`;

function flattenFile(json: unknown, prefix: string, source: string, values: SettingValues): void {
  if (!isRecord(json)) {
    throw new AgentConfigError(prefix ? prefix.slice(0, -1) : "file", "must be a JSON object", source);
  }
  for (const [name, value] of Object.entries(json)) {
    const key = `${prefix}${name}`;
    const setting = SETTINGS_BY_KEY.get(key);
    if (setting) {
      // null means "not set here": the default (or nothing) applies.
      if (value === null) values.delete(key);
      else values.set(key, { value: checkJsonValue(setting, value, source), source });
    } else if (prefix === "" && GROUPS.has(name)) {
      flattenFile(value, `${key}.`, source, values);
    } else {
      throw new AgentConfigError(key, "is not a known setting", source);
    }
  }
}

function readEnv(env: Readonly<Record<string, string | undefined>>, values: SettingValues): void {
  const known = new Map(SETTINGS.map((s) => [envName(s.key), s]));
  for (const [name, text] of Object.entries(env)) {
    if (!name.startsWith("NH_") || name === CONFIG_ENV || text === undefined) continue;
    const setting = known.get(name);
    // A misspelt variable would otherwise be ignored silently.
    if (!setting) throw new AgentConfigError(name, "is not a known setting", "environment");
    const source = `env ${name}`;
    values.set(setting.key, { value: parseTextValue(setting, text, source), source });
  }
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === "" ? undefined : v;
}
