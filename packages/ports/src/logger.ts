/** Structured fields attached to a log line. Never put secrets here. */
export type LogFields = Record<string, unknown>;

/** Port: structured logging. Adapters map it to pino, console, or a test capture. */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

/** A logger that drops everything (the default when none is given). */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
