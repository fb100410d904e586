import { signSharedSecret, verifySharedSecret } from "@nerves-hub-ts/auth-shared-secret";
import { describe, expect, it } from "vitest";
import { cachingKeyDeriver } from "./key-deriver.js";

const key = "nhp_ZfQSu499UgzwXi5OrsqjA26DhsTzTgv70i0ZYNo/AcI";
const secret = "ltuG7VwxNjcaHDTQwMIepwZhPloOt6fXiJFG05BKnHE";
const signedAtSeconds = 1735689600;

describe("cachingKeyDeriver", () => {
  it("gives the reference vector's derived key (sha256, 1000 iterations, 32 bytes)", () => {
    const headers = signSharedSecret({ key, secret, identifier: "nerves-a1b2", signedAtSeconds });
    const deriveKey = cachingKeyDeriver();
    const verdict = verifySharedSecret(headers, {
      lookupSecret: () => secret,
      nowMs: signedAtSeconds * 1000 + 1000,
      deriveKey,
    });
    expect(verdict).toMatchObject({ ok: true, identifier: "nerves-a1b2" });
    const salt = `NH1:device-socket:shared-secret:connect\n\nx-nh-alg=NH1-HMAC-sha256-1000-32\nx-nh-key=${key}\nx-nh-time=${signedAtSeconds}\n`;
    expect(Buffer.from(deriveKey("sha256", secret, salt, 1000, 32)).toString("hex")).toBe(
      "a5c664548793c9bb4817514f60d41a77e37f554eb8603b06b246320f08df84b9",
    );
  });

  it("derives once per salt and secret, keeps a bounded number of keys, and maps sha to SHA-1", () => {
    const deriveKey = cachingKeyDeriver(2);
    const a = deriveKey("sha256", "s", "salt-a", 10, 32);
    expect(deriveKey("sha256", "s", "salt-a", 10, 32)).toBe(a);
    expect(deriveKey("sha256", "other secret", "salt-a", 10, 32)).not.toEqual(a);
    deriveKey("sha", "s", "salt-b", 10, 20);
    // salt-a with "s" was the oldest of three entries in a cache of two: derived afresh, equal bytes.
    const again = deriveKey("sha256", "s", "salt-a", 10, 32);
    expect(again).not.toBe(a);
    expect(again).toEqual(a);
    expect(deriveKey("sha", "s", "salt-b", 10, 20)).toHaveLength(20);
  });
});
