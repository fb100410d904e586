// Checks one setting's value: JSON values from the config file as they are, text from environment
// variables and flags parsed first (`30000`, `true`, `a,b`, `K=V,K=V`).
import {
  array,
  bool,
  type Decoder,
  expecting,
  intRange,
  oneOf,
  record,
  refine,
  str,
} from "@nerves-hub-ts/protocol";
import { AgentConfigError } from "./config-error.js";
import type { Setting, SettingKind } from "./settings.js";

const shown = (setting: Setting, v: unknown): string =>
  setting.secret ? "" : `, got ${JSON.stringify(v) ?? String(v)}`;

const nonEmpty = expecting(
  "a non-empty string",
  refine(str, (s) => s.trim() !== "", ""),
);

/** The decoder for a kind of setting, each failure described as a whole (`must be …`). */
function decoderFor(kind: SettingKind): Decoder<unknown> {
  switch (kind.type) {
    case "string":
    case "path":
      return nonEmpty;
    case "int":
      return expecting(`an integer >= ${kind.min}`, intRange(kind.min, Number.MAX_SAFE_INTEGER));
    case "bool":
      return expecting("true or false", bool);
    case "enum":
      return expecting(`one of ${kind.values.join(", ")}`, oneOf(kind.values));
    case "list":
      return expecting("a list of strings", array(str));
    case "int-list":
      return expecting(
        "a non-empty list of integers >= 0",
        refine(array(intRange(0, Number.MAX_SAFE_INTEGER)), (l) => l.length > 0, ""),
      );
    case "map":
      return expecting("an object of strings", record(str));
  }
}

/** Validates a value from the config file (already JSON-typed); lists and maps come back as copies. */
export function checkJsonValue(setting: Setting, value: unknown, source: string): unknown {
  const r = decoderFor(setting.kind)(value, setting.key);
  if (!r.ok)
    throw new AgentConfigError(setting.key, `must be ${r.error.expected}${shown(setting, value)}`, source);
  return r.value;
}

/** Parses and validates text from an environment variable or a flag. */
export function parseTextValue(setting: Setting, text: string, source: string): unknown {
  const fail = (expected: string): never => {
    throw new AgentConfigError(setting.key, `must be ${expected}${shown(setting, text)}`, source);
  };
  const items = () =>
    text
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== "");
  switch (setting.kind.type) {
    case "int":
      if (!/^\d+$/.test(text.trim())) fail(`an integer >= ${setting.kind.min}`);
      return checkJsonValue(setting, Number(text.trim()), source);
    case "bool": {
      const t = text.trim().toLowerCase();
      if (["true", "1", "yes", "on"].includes(t)) return true;
      if (["false", "0", "no", "off"].includes(t)) return false;
      return fail("true or false");
    }
    case "list":
      return items();
    case "int-list":
      if (!items().every((s) => /^\d+$/.test(s))) fail("a comma-separated list of integers >= 0");
      return checkJsonValue(setting, items().map(Number), source);
    case "map": {
      const out: Record<string, string> = {};
      for (const item of items()) {
        const eq = item.indexOf("=");
        if (eq <= 0) fail("comma-separated NAME=value pairs");
        out[item.slice(0, eq)] = item.slice(eq + 1);
      }
      return out;
    }
    default:
      return checkJsonValue(setting, text, source);
  }
}
