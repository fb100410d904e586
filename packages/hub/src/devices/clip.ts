// Keeping a bounded part of what a device sent, so one device cannot make the hub hold megabytes.

/**
 * The first `max` UTF-16 units of `text`, as a copy: V8 makes a plain slice of a long string point
 * into it, which would keep the whole string alive.
 */
export function clipText(text: string, max: number): string {
  return text.length <= max ? text : Array.from(text.slice(0, max)).join("");
}

/** Join params keep at most this many entries… */
export const MAX_JOIN_PARAM_ENTRIES = 64;
/** …and each value up to this many characters (a string's own, or its JSON's). */
export const MAX_JOIN_PARAM_CHARS = 1024;

/**
 * What a device record keeps of its join params: strings clipped, other values kept when their JSON
 * is small and otherwise replaced by a note of their size, and at most MAX_JOIN_PARAM_ENTRIES entries.
 */
export function keptJoinParams(params: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params).slice(0, MAX_JOIN_PARAM_ENTRIES)) {
    const name = clipText(key, MAX_JOIN_PARAM_CHARS);
    if (typeof value === "string") {
      kept[name] = clipText(value, MAX_JOIN_PARAM_CHARS);
      continue;
    }
    const json = JSON.stringify(value) ?? "";
    kept[name] =
      json.length <= MAX_JOIN_PARAM_CHARS ? value : { omitted: `a value of ${json.length} JSON characters` };
  }
  return kept;
}
