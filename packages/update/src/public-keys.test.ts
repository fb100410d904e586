import { describe, expect, it } from "vitest";
import { isUsablePublicKey, usablePublicKeys } from "./public-keys.js";

const key = btoa(String.fromCharCode(...new Uint8Array(32).map((_, i) => i + 1)));

describe("public keys", () => {
  it("accepts base64 of 32 bytes", () => {
    expect(key).toHaveLength(44);
    expect(isUsablePublicKey(key)).toBe(true);
    expect(isUsablePublicKey(` ${key}\n`)).toBe(true);
  });

  it("refuses anything else", () => {
    expect(isUsablePublicKey("")).toBe(false);
    expect(isUsablePublicKey("not a key")).toBe(false);
    expect(isUsablePublicKey(btoa("x".repeat(31)))).toBe(false);
    expect(isUsablePublicKey(btoa("x".repeat(33)))).toBe(false);
    expect(isUsablePublicKey("-----BEGIN PUBLIC KEY-----")).toBe(false);
    // What a lenient base64 decoder would still turn into 32 bytes: no padding, a space inside.
    expect(isUsablePublicKey(key.slice(0, -1))).toBe(false);
    expect(isUsablePublicKey(`${key.slice(0, 20)} ${key.slice(20)}`)).toBe(false);
  });

  it("keeps usable keys once, trimmed", () => {
    expect(usablePublicKeys(["junk", key, ` ${key}`])).toEqual([key]);
    expect(usablePublicKeys([])).toEqual([]);
  });
});
