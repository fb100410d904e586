// Presigned firmware URLs: `/firmware/<uuid>.fw?expires=<s>[&device=<id>]&signature=<hmac>`.
import { createHmac, timingSafeEqual } from "node:crypto";

export interface UrlSigner {
  sign(firmwareUuid: string, expiresAtSeconds: number, identifier: string | null): string;
  /** The verified parts of a request, or why it is refused. */
  verify(
    pathname: string,
    query: URLSearchParams,
    nowMs: number,
  ):
    | { ok: true; firmwareUuid: string; identifier: string | null }
    | { ok: false; reason: "bad_signature" | "expired" | "not_found" };
}

const PATH = /^\/firmware\/([A-Za-z0-9._-]+)\.fw$/;

export function urlSigner(secret: string): UrlSigner {
  const mac = (uuid: string, expires: string, identifier: string) =>
    createHmac("sha256", secret).update(`${uuid}\n${expires}\n${identifier}`).digest("hex");
  return {
    sign(firmwareUuid, expiresAtSeconds, identifier) {
      const q = new URLSearchParams({ expires: String(expiresAtSeconds) });
      if (identifier !== null) q.set("device", identifier);
      q.set("signature", mac(firmwareUuid, String(expiresAtSeconds), identifier ?? ""));
      return `/firmware/${firmwareUuid}.fw?${q}`;
    },
    verify(pathname, query, nowMs) {
      const m = PATH.exec(pathname);
      if (!m?.[1]) return { ok: false, reason: "not_found" };
      const uuid = m[1];
      const expires = query.get("expires") ?? "";
      const identifier = query.get("device");
      const given = Buffer.from(query.get("signature") ?? "", "utf8");
      const wanted = Buffer.from(mac(uuid, expires, identifier ?? ""), "utf8");
      if (given.length !== wanted.length || !timingSafeEqual(given, wanted))
        return { ok: false, reason: "bad_signature" };
      if (!/^\d+$/.test(expires) || Number(expires) * 1000 < nowMs) return { ok: false, reason: "expired" };
      return { ok: true, firmwareUuid: uuid, identifier };
    },
  };
}
