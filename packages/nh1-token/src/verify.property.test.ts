import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { base64UrlEncode } from "./base64url.js";
import { signSharedSecret } from "./sign.js";
import { craftHeaders } from "./test-support/craft.js";
import { type VerifyFailureReason, type VerifyResult, verifySharedSecret } from "./verify.js";

// A cheap alg keeps 1,000+ runs fast; the default alg is covered by the reference vectors.
const CHEAP_ALG = "NH1-HMAC-sha256-2-16";
const REASONS: ReadonlySet<VerifyFailureReason> = new Set<VerifyFailureReason>([
  "missing_alg",
  "bad_alg",
  "unknown_digest",
  "missing_time",
  "bad_time",
  "missing_key",
  "unknown_key",
  "lookup_failed",
  "missing_signature",
  "bad_token",
  "bad_signature",
  "bad_payload",
  "unexpected_term",
  "bad_identifier",
  "expired",
  "future",
]);

function expectTyped(result: VerifyResult): void {
  if (result.ok) {
    expect(typeof result.identifier).toBe("string");
  } else {
    expect(REASONS.has(result.reason)).toBe(true);
    expect([401, 503]).toContain(result.status);
    expect(result.status === 503).toBe(
      ["missing_time", "lookup_failed", "unexpected_term"].includes(result.reason),
    );
  }
}

describe("sign then verify (property)", () => {
  it("any identifier, key, secret, time and PBKDF2 choice verifies within the window", () => {
    fc.assert(
      fc.property(
        fc.record({
          identifier: fc.string({ unit: "grapheme", maxLength: 40 }),
          key: fc.string({ unit: "grapheme", minLength: 1, maxLength: 50 }),
          secret: fc.string({ unit: "grapheme", maxLength: 50 }),
          signedAtSeconds: fc.integer({ min: 0, max: 4_102_444_800 }),
          keyDigest: fc.constantFrom("sha256" as const, "sha384" as const, "sha512" as const),
          keyIterations: fc.integer({ min: 1, max: 8 }),
          keyLength: fc.integer({ min: 1, max: 80 }),
        }),
        fc.integer({ min: 0, max: 89_999 }),
        (opts, lateMs) => {
          const headers = signSharedSecret(opts);
          const result = verifySharedSecret(headers, {
            lookupSecret: (key) => (key === opts.key ? opts.secret : undefined),
            nowMs: opts.signedAtSeconds * 1000 + lateMs,
          });
          expect(result).toEqual({
            ok: true,
            key: opts.key,
            kind: opts.key.startsWith("nhp_") ? "product" : "device",
            identifier: opts.identifier,
            signedAtMs: opts.signedAtSeconds * 1000,
          });
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe("garbage in, typed result out (property)", () => {
  const headerValue = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: "binary", maxLength: 40 }),
    fc.constantFrom(
      "NH1-HMAC-",
      "NH1-HMAC-sha256-1-1",
      CHEAP_ALG,
      "1700000000",
      "+0",
      "SFMyNTY..",
      "SFMzODQ.a.b",
    ),
    fc.constant(undefined),
  );
  const lookupSecret = (key: string) => (key.length % 2 === 0 ? `secret-${key}` : undefined);

  it("random x-nh-* headers never throw", () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            "x-nh-alg": headerValue,
            "x-nh-key": headerValue,
            "x-nh-time": headerValue,
            "x-nh-signature": headerValue,
            "X-Forwarded-For": headerValue,
          },
          { requiredKeys: [] },
        ),
        fc.integer({ min: 0, max: 2 ** 45 }),
        (headers, nowMs) => expectTyped(verifySharedSecret(headers, { lookupSecret, nowMs })),
      ),
      { numRuns: 2000 },
    );
  });

  it("validly MACed tokens around random payload bytes never throw", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 60 }),
        fc.boolean(),
        fc.constantFrom("SFMyNTY" as const, "SFMzODQ" as const, "SFM1MTI" as const),
        (tail, withVersion, protectedHeader) => {
          const payload = Uint8Array.from(withVersion ? [131, ...tail] : tail);
          const headers = craftHeaders({
            key: "nhd_k1",
            secret: "secret-nhd_k1",
            alg: CHEAP_ALG,
            time: "5",
            payload,
            protectedHeader,
          });
          expectTyped(verifySharedSecret(headers, { lookupSecret, nowMs: 10_000 }));
        },
      ),
      { numRuns: 1500 },
    );
  });

  it("random token text with a known key never throws", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("SFMyNTY", "SFMzODQ", "SFM1MTI", "x", ""),
        fc.uint8Array({ maxLength: 40 }),
        fc.uint8Array({ maxLength: 70 }),
        fc.string({ maxLength: 4 }),
        (head, payload, mac, junk) => {
          const token = `${head}.${base64UrlEncode(payload)}.${base64UrlEncode(mac)}${junk}`;
          const headers = {
            "x-nh-alg": CHEAP_ALG,
            "x-nh-key": "nhd_k1",
            "x-nh-time": "5",
            "x-nh-signature": token,
          };
          const result = verifySharedSecret(headers, { lookupSecret, nowMs: 10_000 });
          expectTyped(result);
          expect(result.ok).toBe(false);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
