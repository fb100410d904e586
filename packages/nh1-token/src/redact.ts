// Log-safe copies of upgrade headers.

const REDACTED = "[redacted]" as const;
// The signature is a replayable credential for its 90 s window; anything secret-like goes too.
const SENSITIVE_NAME = /signature|secret|authorization|cookie|token|password/i;

/** Returns a copy of `headers` with the signature and any secret-like header replaced by "[redacted]". */
export function redactSharedSecretHeaders<T extends Readonly<Record<string, unknown>>>(
  headers: T,
): { [K in keyof T]: T[K] | typeof REDACTED } {
  const copy: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) {
    copy[name] = SENSITIVE_NAME.test(name) && value !== undefined ? REDACTED : value;
  }
  return copy as { [K in keyof T]: T[K] | typeof REDACTED };
}
