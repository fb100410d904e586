// Where the websocket goes: host or socket.url, the Identity's path, and the serializer's `vsn`
// (device-client.md §1.1, §1.2).

import type { Credentials } from "@nerves-hub-ts/ports";
import { hostUrl, type ResolvedLinkConfig } from "./config.js";

const VSN = { json: "2.0.0", msgpack: "3.0.0" } as const;

/**
 * The URL before the Identity and serializer are applied: `socket.url` if given, else `host` with
 * `wss://` assumed.
 */
export function baseUrl(config: ResolvedLinkConfig): URL {
  return config.socket.url !== undefined ? new URL(config.socket.url) : hostUrl(config.host);
}

/**
 * The URL for one attempt. The path is replaced by the Identity's, except that an explicit
 * `socket.url` keeps its path under certificate auth (as nerves_hub_link does). JSON keeps other query
 * parameters and sets `vsn`; msgpack replaces the whole query.
 */
export function socketUrl(
  base: URL,
  credentials: Credentials,
  serializer: "json" | "msgpack",
  keepPath: boolean,
): string {
  const url = new URL(base);
  if (!keepPath) url.pathname = credentials.path;
  if (serializer === "msgpack") url.search = "";
  url.searchParams.set("vsn", VSN[serializer]);
  return url.toString();
}

/** A redirect target resolved against the current URL, with http(s) mapped to ws(s). */
export function redirectUrl(current: string, location: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(location, current);
  } catch {
    return undefined;
  }
  if (url.protocol === "http:") url.protocol = "ws:";
  else if (url.protocol === "https:") url.protocol = "wss:";
  return url.protocol === "ws:" || url.protocol === "wss:" ? url : undefined;
}

/** A URL fit for logs: scheme, host and path only (a query could carry a token). */
export function loggableUrl(url: string | URL): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname}`;
}
