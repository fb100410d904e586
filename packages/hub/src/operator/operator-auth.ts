import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

/** Bearer token from `Authorization`, or `?token=` (for EventSource and websocket clients). */
export function operatorAuthorized(req: IncomingMessage, url: URL, token: string): boolean {
  const header = req.headers.authorization;
  const given = header?.startsWith("Bearer ") ? header.slice(7) : (url.searchParams.get("token") ?? "");
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
