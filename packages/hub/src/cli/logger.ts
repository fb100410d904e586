import { type DestinationStream, type Logger, pino } from "pino";

/** Paths that must never reach a log line, whoever logs them. */
export const REDACT_PATHS = [
  'headers["x-nh-signature"]',
  "headers.authorization",
  "secret",
  "*.secret",
  "keyPem",
  "*.keyPem",
  "query",
  "firmwareUrl",
  "firmware_url",
  "*.firmware_url",
];

/** The CLI's structured logger: JSON lines on stderr, secrets redacted. */
export function cliLogger(level: string, destination: DestinationStream = pino.destination(2)): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: "[redacted]" } }, destination);
}
