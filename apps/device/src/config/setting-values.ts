/** One setting's effective value and where it came from (`default`, `file …`, `env NH_…`, `flag --…`). */
export interface SettingValue {
  value: unknown;
  source: string;
}

/** Every setting that has a value, by dotted key. */
export type SettingValues = Map<string, SettingValue>;
