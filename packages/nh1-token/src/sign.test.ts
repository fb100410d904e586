import { bytesToHex } from "@noble/hashes/utils.js";
import { describe, expect, it } from "vitest";
import { base64UrlDecode } from "./base64url.js";
import { deriveKey, PBKDF2_DIGESTS, saltFor } from "./nh1.js";
import { checkSigningOptions, SigningError, signSharedSecret } from "./sign.js";
import { DEFAULT_ALG, NHP_TEST, VECTORS } from "./test-support/vectors.js";

const sha256 = PBKDF2_DIGESTS.get("sha256");

describe("signSharedSecret", () => {
  describe.each(VECTORS)("vector $name", (vector) => {
    const headers = signSharedSecret(vector);

    it("derives the reference key from the exact salt", () => {
      if (sha256 === undefined) throw new Error("sha256 missing");
      const salt = saltFor(DEFAULT_ALG, vector.key, String(vector.signedAtSeconds));
      expect(bytesToHex(deriveKey(sha256, vector.secret, salt, 1000, 32))).toBe(vector.derivedKeyHex);
    });

    it("encodes the reference ETF payload", () => {
      const payload = base64UrlDecode(headers["x-nh-signature"].split(".")[1] ?? "");
      expect(payload && bytesToHex(payload)).toBe(vector.payloadHex);
    });

    it("produces the four headers byte for byte", () => {
      expect(headers).toEqual({
        "x-nh-alg": DEFAULT_ALG,
        "x-nh-key": vector.key,
        "x-nh-time": String(vector.signedAtSeconds),
        "x-nh-signature": vector.signature,
      });
    });
  });

  it("builds the salt as five newline-terminated lines with an empty second line", () => {
    expect(saltFor(DEFAULT_ALG, "nhp_k", "17")).toBe(
      "NH1:device-socket:shared-secret:connect\n\nx-nh-alg=NH1-HMAC-sha256-1000-32\nx-nh-key=nhp_k\nx-nh-time=17\n",
    );
  });

  it("names a non-default digest, iteration count and length in x-nh-alg and keeps the outer MAC HS256", () => {
    const headers = signSharedSecret({
      ...NHP_TEST,
      keyDigest: "sha512",
      keyIterations: 2000,
      keyLength: 64,
    });
    expect(headers["x-nh-alg"]).toBe("NH1-HMAC-sha512-2000-64");
    expect(headers["x-nh-signature"]).toMatch(/^SFMyNTY\./);
    expect(headers["x-nh-signature"]).not.toBe(NHP_TEST.signature);
  });

  it.each([
    [{ signedAtSeconds: 1.5 }, "signedAtSeconds"],
    [{ keyIterations: 0 }, "keyIterations"],
    [{ keyLength: -1 }, "keyLength"],
    [{ keyDigest: "md5" as "sha256" }, "keyDigest"],
  ])("refuses %o with a SigningError naming the option", (override, option) => {
    expect(() => signSharedSecret({ ...NHP_TEST, ...override })).toThrow(
      expect.objectContaining({ name: "SigningError", option }),
    );
    expect(() => signSharedSecret({ ...NHP_TEST, ...override })).toThrow(SigningError);
    expect(() => checkSigningOptions({ ...NHP_TEST, ...override })).toThrow(
      expect.objectContaining({ name: "SigningError", option }),
    );
  });

  it("checks options without signing and accepts every option signSharedSecret accepts", () => {
    expect(checkSigningOptions({ signedAtSeconds: 0 })).toBeUndefined();
    expect(() =>
      checkSigningOptions({ signedAtSeconds: 0, keyDigest: "sha384", keyIterations: 1, keyLength: 1 }),
    ).not.toThrow();
  });
});
