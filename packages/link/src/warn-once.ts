import type { LogFields, Logger } from "@nerves-hub-ts/ports";

/**
 * Logs a warning the first time a given key is seen and only counts repeats at debug level, so a
 * server that keeps sending the same bad message cannot flood the log.
 */
export class WarnOnce {
  private seen = new Map<string, number>();
  constructor(
    private readonly log: Logger,
    private readonly maxKeys = 256,
  ) {}

  warn(key: string, msg: string, fields?: LogFields): void {
    const count = this.seen.get(key);
    if (count !== undefined) {
      this.seen.set(key, count + 1);
      this.log.debug(`${msg} (repeated ${count + 1} times)`, fields);
      return;
    }
    if (this.seen.size >= this.maxKeys) this.seen.clear();
    this.seen.set(key, 1);
    this.log.warn(msg, fields);
  }
}
