/** A thrown value as text for a log line or a LinkError: the message only, never the stack. */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
