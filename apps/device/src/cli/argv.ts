// Command-line parsing: positionals, command options, and one flag per setting (`--host`,
// `--shared-secret-key`, …; booleans also as bare `--flag` and `--no-flag`). An unknown flag is an
// error that names it.
import { flagName, SETTINGS } from "../config/settings.js";

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

const SETTING_FLAGS = new Map(SETTINGS.map((s) => [flagName(s.key), s]));

export function parseArgv(argv: readonly string[], spec: OptionSpec, allowSettings: boolean): ParsedArgs {
  const out: ParsedArgs = { positionals: [], options: new Map(), settings: new Map() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith("--") || arg === "--") {
      out.positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const flag = eq >= 0 ? arg.slice(0, eq) : arg;
    const inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
    const takeValue = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next === undefined || next.startsWith("--")) throw new UsageError(`${flag} needs a value`);
      i++;
      return next;
    };
    const name = flag.slice(2);
    const kind = spec[name];
    if (kind === "bool") {
      if (inline !== undefined) throw new UsageError(`${flag} takes no value`);
      out.options.set(name, true);
      continue;
    }
    if (kind === "value") {
      out.options.set(name, takeValue());
      continue;
    }
    if (allowSettings) {
      const setting = SETTING_FLAGS.get(flag);
      if (setting) {
        const bare = setting.kind.type === "bool" && inline === undefined;
        out.settings.set(setting.key, { flag, text: bare ? "true" : takeValue() });
        continue;
      }
      const negated = flag.startsWith("--no-") ? SETTING_FLAGS.get(`--${flag.slice(5)}`) : undefined;
      if (negated?.kind.type === "bool" && inline === undefined) {
        out.settings.set(negated.key, { flag, text: "false" });
        continue;
      }
    }
    throw new UsageError(`unknown option ${flag}`);
  }
  return out;
}
