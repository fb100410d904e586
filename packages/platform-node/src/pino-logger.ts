// The link's Logger port on pino: one JSON object per line on stderr (journald and log shippers
// read it as is), with secret-bearing fields censored whoever logs them.
import type { Logger } from "@nerves-hub-ts/ports";
import { type DestinationStream, type Logger as Pino, pino } from "pino";

/** Field paths that must never reach a log line. */
export const REDACT_PATHS = [
  "secret",
  "*.secret",
  "product_secret",
  "*.product_secret",
  "productSecret",
  "*.productSecret",
  "key_pem",
  "*.key_pem",
  "keyPem",
  "*.keyPem",
  "headers",
  "*.headers",
  "firmware_url",
  "*.firmware_url",
  "query",
];

export interface AgentLogger extends Logger {
  readonly pino: Pino;
  /** A logger whose lines carry `component`. */
  child(component: string): Logger;
  /** Writes out anything buffered (before exit). */
  flush(): void;
}

export function pinoLogger(
  level: string,
  destination: DestinationStream = pino.destination({ fd: 2, sync: true }),
): AgentLogger {
  const root = pino(
    { level, base: { pid: process.pid }, redact: { paths: REDACT_PATHS, censor: "[redacted]" } },
    destination,
  );
  const wrap = (p: Pino): Logger => ({
    debug: (msg, fields) => p.debug(fields ?? {}, msg),
    info: (msg, fields) => p.info(fields ?? {}, msg),
    warn: (msg, fields) => p.warn(fields ?? {}, msg),
    error: (msg, fields) => p.error(fields ?? {}, msg),
  });
  return {
    ...wrap(root),
    pino: root,
    child: (component) => wrap(root.child({ component })),
    flush: () => root.flush(),
  };
}
