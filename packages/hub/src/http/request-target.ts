// Request targets and path segments as the client sent them: anything malformed is undefined, for a 400.

/** RFC 3986 path characters: unreserved, sub-delims, ":", "@", "/" and well-formed %-escapes. */
const PATH = /^\/(?:[\w\-.~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*$/;
/** A "%" that does not start a two-hex-digit escape. */
const BAD_ESCAPE = /%(?![0-9A-Fa-f]{2})/;
const ABSOLUTE_PREFIX = /^https?:\/\/[^/?#]*/i;

/**
 * The URL of an origin-form (`/path?query`) or absolute-form (`http://host/path`) request target,
 * or undefined when it is neither. The query may hold any character the HTTP parser let through
 * (clients differ in what they escape there), but its %-escapes must be well formed. Parsed against
 * a fixed origin, so a path starting with `//` stays a path instead of naming a host.
 */
export function parseRequestTarget(target: string | undefined): URL | undefined {
  if (target === undefined) return undefined;
  const absolute = ABSOLUTE_PREFIX.exec(target);
  const originForm = absolute ? target.slice(absolute[0].length) || "/" : target;
  const queryStart = originForm.indexOf("?");
  const path = queryStart < 0 ? originForm : originForm.slice(0, queryStart);
  const query = queryStart < 0 ? "" : originForm.slice(queryStart + 1);
  if (!PATH.test(path) || BAD_ESCAPE.test(query) || query.includes("#")) return undefined;
  try {
    if (absolute) new URL(target);
    return new URL(`http://hub${originForm}`);
  } catch {
    return undefined;
  }
}

/** A percent-decoded path segment, or undefined when its escapes are not UTF-8. */
export function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
