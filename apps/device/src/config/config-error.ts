/** A bad configuration value. `key` is the setting's dotted name; `source` says where the value came from. */
export class AgentConfigError extends Error {
  override readonly name = "AgentConfigError";
  constructor(
    readonly key: string,
    readonly problem: string,
    readonly source?: string,
  ) {
    super(`config ${key}: ${problem}${source ? ` (from ${source})` : ""}`);
  }
}
