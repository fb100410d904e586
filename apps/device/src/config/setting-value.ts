// Checks one setting's value: JSON values from the config file as they are, text from environment
// variables and flags parsed first (`30000`, `true`, `a,b`, `K=V,K=V`).
import { AgentConfigError } from "./config-error.js";
import type { Setting } from "./settings.js";

const shown = (setting: Setting, v: unknown): string =>
  setting.secret ? "" : `, got ${JSON.stringify(v) ?? String(v)}`;

/** Validates a value from the config file (already JSON-typed). */
export function checkJsonValue(setting: Setting, value: unknown, source: string): unknown {
  const fail = (expected: string): never => {
    throw new AgentConfigError(setting.key, `must be ${expected}${shown(setting, value)}`, source);
  };
  const kind = setting.kind;
  switch (kind.type) {
    case "string":
    case "path":
      if (typeof value !== "string" || value.trim() === "") fail("a non-empty string");
      return value;
    case "int":
      if (!Number.isSafeInteger(value) || (value as number) < kind.min) fail(`an integer >= ${kind.min}`);
      return value;
    case "bool":
      if (typeof value !== "boolean") fail("true or false");
      return value;
    case "enum":
      if (typeof value !== "string" || !kind.values.includes(value)) fail(`one of ${kind.values.join(", ")}`);
      return value;
    case "list":
      if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) fail("a list of strings");
      return [...(value as string[])];
    case "int-list":
      if (
        !Array.isArray(value) ||
        value.length === 0 ||
        !value.every((v) => Number.isSafeInteger(v) && v >= 0)
      )
        fail("a non-empty list of integers >= 0");
      return [...(value as number[])];
    case "map": {
      const ok =
        typeof value === "object" &&
        value !== null &&
        !Array.isArray(value) &&
        Object.values(value).every((v) => typeof v === "string");
      if (!ok) fail("an object of strings");
      return { ...(value as Record<string, string>) };
    }
  }
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
