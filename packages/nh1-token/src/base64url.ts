// Unpadded base64url (RFC 4648 §5), written out here so the token code needs no runtime built-ins.

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const VALUES = new Map<string, number>([...ALPHABET].map((char, index) => [char, index]));

/** Encodes bytes as base64url without padding, as Plug.Crypto does. */
export function base64UrlEncode(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i] ?? 0;
    const b1 = bytes[i + 1] ?? 0;
    const b2 = bytes[i + 2] ?? 0;
    const remaining = bytes.length - i;
    out += ALPHABET[b0 >> 2];
    out += ALPHABET[((b0 & 0x03) << 4) | (b1 >> 4)];
    if (remaining > 1) out += ALPHABET[((b1 & 0x0f) << 2) | (b2 >> 6)];
    if (remaining > 2) out += ALPHABET[b2 & 0x3f];
  }
  return out;
}

/**
 * Decodes base64url the way Elixir's `Base.url_decode64(s, padding: false)` does: padding is
 * optional but must be correct when present, and leftover low bits of the last character are
 * ignored. Returns undefined for anything else.
 */
export function base64UrlDecode(text: string): Uint8Array | undefined {
  let body = text;
  if (body.endsWith("=")) {
    if (body.length % 4 !== 0) return undefined;
    body = body.endsWith("==") ? body.slice(0, -2) : body.slice(0, -1);
  }
  if (body.length % 4 === 1) return undefined;
  const out = new Uint8Array(Math.floor((body.length * 3) / 4));
  let bits = 0;
  let bitCount = 0;
  let written = 0;
  for (const char of body) {
    const value = VALUES.get(char);
    if (value === undefined) return undefined;
    bits = ((bits << 6) | value) & 0xffffff;
    bitCount += 6;
    if (bitCount >= 8) {
      bitCount -= 8;
      out[written++] = (bits >> bitCount) & 0xff;
    }
  }
  return out;
}
