// Command-line parsing with node:util parseArgs: positionals, command options, and one flag per
// setting (`--host`, `--shared-secret-key`, …; booleans also as bare `--flag` and `--no-flag`). An
// unknown flag is an error that names it. parseArgs runs non-strict and hands back its tokens, so
// the errors below can name the flag as typed and a boolean setting can take `--flag=false`.
import { parseArgs } from "node:util";
import { flagName, SETTINGS, type Setting } from "../config/settings.js";

export class UsageError extends Error {
  override readonly name = "UsageError";
}

export type OptionSpec = Record<string, "bool" | "value">;

export interface ParsedArgs {
  positionals: string[];
  /** Command options by name (without dashes): a value, or true for bool options. */
  options: Map<string, string | true>;
  /** Setting flags: key -> the flag as typed and its text. */
  settings: Map<string, { flag: string; text: string }>;
}

type ParseArgsOptions = Record<string, { type: "string" | "boolean" }>;

const SETTING_FLAGS = new Map(SETTINGS.map((s) => [flagName(s.key).slice(2), s]));
const SETTING_OPTIONS: ParseArgsOptions = Object.fromEntries(
  SETTINGS.map((s) => [flagName(s.key).slice(2), { type: s.kind.type === "bool" ? "boolean" : "string" }]),
);

export function parseArgv(argv: readonly string[], spec: OptionSpec, allowSettings: boolean): ParsedArgs {
  const commandOptions: ParseArgsOptions = Object.fromEntries(
    Object.entries(spec).map(([name, kind]) => [name, { type: kind === "bool" ? "boolean" : "string" }]),
  );
  const { tokens } = parseArgs({
    args: [...argv],
    options: { ...(allowSettings ? SETTING_OPTIONS : {}), ...commandOptions },
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  const out: ParsedArgs = { positionals: [], options: new Map(), settings: new Map() };
  for (const token of tokens) {
    if (token.kind === "positional") out.positionals.push(token.value);
    if (token.kind !== "option") continue;
    const flag = token.rawName;
    const inline = token.inlineValue ? token.value : undefined;
    const value = (): string => {
      // Non-strict parseArgs takes the next argument whatever it is; a flag there means none was given.
      if (token.value === undefined || (!token.inlineValue && token.value.startsWith("--")))
        throw new UsageError(`${flag} needs a value`);
      return token.value;
    };
    const kind = flag.startsWith("--") ? spec[token.name] : undefined;
    if (kind === "bool") {
      if (inline !== undefined) throw new UsageError(`${flag} takes no value`);
      out.options.set(token.name, true);
    } else if (kind === "value") {
      out.options.set(token.name, value());
    } else {
      const setting = allowSettings && flag.startsWith("--") ? settingFlag(token.name, inline) : undefined;
      if (!setting) throw new UsageError(`unknown option ${flag}`);
      const text = setting.negated
        ? "false"
        : setting.setting.kind.type === "bool"
          ? (inline ?? "true")
          : value();
      out.settings.set(setting.setting.key, { flag, text });
    }
  }
  return out;
}

/** The setting a flag names, directly or as the `--no-` form of a boolean setting. */
function settingFlag(
  name: string,
  inline: string | undefined,
): { setting: Setting; negated: boolean } | undefined {
  const setting = SETTING_FLAGS.get(name);
  if (setting) return { setting, negated: false };
  const negated = name.startsWith("no-") ? SETTING_FLAGS.get(name.slice(3)) : undefined;
  return negated?.kind.type === "bool" && inline === undefined
    ? { setting: negated, negated: true }
    : undefined;
}
