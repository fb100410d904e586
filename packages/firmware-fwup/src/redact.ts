/** A URL safe to log: scheme, host and path only. The query of a signed URL is a credential. */
export function redactUrl(url: string | URL): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return "<invalid url>";
  }
}
