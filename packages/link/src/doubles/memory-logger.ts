import type { LogFields, Logger } from "@nerves-hub-ts/ports";

/** One captured log line. */
export interface LogLine {
  level: "debug" | "info" | "warn" | "error";
  msg: string;
  fields?: LogFields;
}

/** A Logger that keeps every line; also a test double (assert on lines, or scan them for secrets). */
export class MemoryLogger implements Logger {
  readonly lines: LogLine[] = [];
  debug(msg: string, fields?: LogFields): void {
    this.lines.push({ level: "debug", msg, fields });
  }
  info(msg: string, fields?: LogFields): void {
    this.lines.push({ level: "info", msg, fields });
  }
  warn(msg: string, fields?: LogFields): void {
    this.lines.push({ level: "warn", msg, fields });
  }
  error(msg: string, fields?: LogFields): void {
    this.lines.push({ level: "error", msg, fields });
  }
  /** Lines whose message contains `text`. */
  find(text: string): LogLine[] {
    return this.lines.filter((l) => l.msg.includes(text));
  }
  /** Every line, fields included, as one string. */
  text(): string {
    return this.lines.map((l) => `${l.level} ${l.msg} ${safeJson(l.fields)}`).join("\n");
  }
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? "";
  } catch {
    return String(v);
  }
}
