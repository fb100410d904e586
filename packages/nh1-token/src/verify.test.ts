import { pbkdf2Sync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { encodeTerm } from "./etf.js";
import { signSharedSecret } from "./sign.js";
import { atom, binary, craftHeaders, integer, standardPayload, tuple } from "./test-support/craft.js";
import { VECTORS, NHP_TEST as vector } from "./test-support/vectors.js";
import { type VerifyOptions, verifySharedSecret } from "./verify.js";

const secrets = new Map(VECTORS.map((v) => [v.key, v.secret]));
const lookupSecret = (key: string) => secrets.get(key);
// Half a second into the vector's second: the server's clock is rarely on a whole second.
const nowMs = vector.signedAtSeconds * 1000 + 500;
const verify = (headers: Record<string, string | undefined>, opts: Partial<VerifyOptions> = {}) =>
  verifySharedSecret(headers, { lookupSecret, nowMs, ...opts });

const vectorHeaders = (): Record<string, string> => ({ ...signSharedSecret(vector) });

describe("verifySharedSecret: reference vectors", () => {
  it.each(VECTORS)("accepts $name shortly after its time", (v) => {
    const headers = {
      "x-nh-alg": "NH1-HMAC-sha256-1000-32",
      "x-nh-key": v.key,
      "x-nh-time": String(v.signedAtSeconds),
      "x-nh-signature": v.signature,
    };
    expect(verify(headers, { nowMs: v.signedAtSeconds * 1000 + 1500 })).toEqual({
      ok: true,
      key: v.key,
      kind: v.key.startsWith("nhp_") ? "product" : "device",
      identifier: v.identifier,
      signedAtMs: v.signedAtSeconds * 1000,
    });
  });
});

describe("verifySharedSecret: a caller's key deriver", () => {
  it("verifies the vectors with a native PBKDF2 and refuses when the deriver disagrees", () => {
    const calls: string[] = [];
    const native = (digest: string, secret: string, salt: string, iterations: number, length: number) => {
      calls.push(`${digest}/${iterations}/${length}`);
      return pbkdf2Sync(secret, salt, iterations, length, digest === "sha" ? "sha1" : digest);
    };
    for (const v of VECTORS) {
      const headers = { ...signSharedSecret(v) };
      expect(verify(headers, { nowMs: v.signedAtSeconds * 1000 + 1500, deriveKey: native }).ok).toBe(true);
      const wrong = () => new Uint8Array(32);
      expect(verify(headers, { nowMs: v.signedAtSeconds * 1000 + 1500, deriveKey: wrong })).toMatchObject({
        ok: false,
        reason: "bad_signature",
      });
    }
    expect(calls).toEqual(VECTORS.map(() => "sha256/1000/32"));
  });
});

describe("verifySharedSecret: age (server max_age 90 s, timestamp inside the token)", () => {
  const nowSeconds = vector.signedAtSeconds;
  const at = (offsetSeconds: number) =>
    verify({ ...signSharedSecret({ ...vector, signedAtSeconds: nowSeconds + offsetSeconds }) });

  it.each([0, -1, -60, -89])("accepts a token signed %i s from now", (offset) => {
    expect(at(offset)).toMatchObject({ ok: true, signedAtMs: (nowSeconds + offset) * 1000 });
  });

  it.each([-90, -91, -120])("refuses a token signed %i s from now as expired (401)", (offset) => {
    expect(at(offset)).toMatchObject({ ok: false, reason: "expired", status: 401 });
  });

  it.each([1, 5, 60, 3600])("refuses a token signed %i s in the future (401)", (offset) => {
    expect(at(offset)).toMatchObject({ ok: false, reason: "future", status: 401 });
  });

  it("accepts exactly 90 s when the server clock sits on a whole second (signed + 90000 == now)", () => {
    const headers = { ...signSharedSecret({ ...vector, signedAtSeconds: nowSeconds - 90 }) };
    expect(verify(headers, { nowMs: nowSeconds * 1000 })).toMatchObject({ ok: true });
    expect(verify(headers, { nowMs: nowSeconds * 1000 + 1 })).toMatchObject({ reason: "expired" });
  });

  it("checks the time inside the token, not x-nh-time", () => {
    // x-nh-time only feeds the salt; a payload dated 10 minutes earlier is expired regardless.
    const headers = craftHeaders({
      ...vector,
      time: String(nowSeconds),
      payload: standardPayload(vector.identifier, (nowSeconds - 600) * 1000),
    });
    expect(verify(headers)).toMatchObject({ ok: false, reason: "expired" });
  });

  it("honours a configured max age, and Infinity disables the age checks", () => {
    const old = { ...signSharedSecret({ ...vector, signedAtSeconds: nowSeconds - 200 }) };
    expect(verify(old, { maxAgeSeconds: 300 })).toMatchObject({ ok: true });
    expect(verify(old, { maxAgeSeconds: Number.POSITIVE_INFINITY, nowMs: 0 })).toMatchObject({ ok: true });
    expect(verify(old, { maxAgeSeconds: 0 })).toMatchObject({ reason: "expired" });
  });
});

describe("verifySharedSecret: signature and salt", () => {
  it("refuses a token made with the wrong secret", () => {
    const headers = { ...signSharedSecret({ ...vector, secret: "not-the-secret" }) };
    expect(verify(headers)).toMatchObject({ ok: false, reason: "bad_signature", status: 401 });
  });

  it("refuses when x-nh-time is changed by one second after signing (salt mismatch)", () => {
    const headers = { ...vectorHeaders(), "x-nh-time": String(vector.signedAtSeconds - 1) };
    expect(verify(headers)).toMatchObject({ ok: false, reason: "bad_signature", status: 401 });
  });

  it("rebuilds the salt from the parsed time, so a sign or leading zeros in x-nh-time still verify", () => {
    for (const time of [`0${vector.signedAtSeconds}`, `+${vector.signedAtSeconds}`]) {
      expect(verify({ ...vectorHeaders(), "x-nh-time": time })).toMatchObject({ ok: true });
    }
  });

  it("uses the alg text verbatim in the salt but the digest lower-cased", () => {
    const headers = craftHeaders({
      ...vector,
      alg: "NH1-HMAC-SHA256-1000-32",
      time: String(vector.signedAtSeconds),
      payload: standardPayload(vector.identifier, vector.signedAtSeconds * 1000),
    });
    expect(verify(headers)).toMatchObject({ ok: true, identifier: vector.identifier });
    // The same signature under the lower-case alg text has a different salt.
    expect(verify({ ...headers, "x-nh-alg": "NH1-HMAC-sha256-1000-32" })).toMatchObject({
      reason: "bad_signature",
    });
  });

  it.each(["SFMzODQ", "SFM1MTI"] as const)(
    "accepts protected header %s when its MAC matches",
    (protectedHeader) => {
      const headers = craftHeaders({
        ...vector,
        time: String(vector.signedAtSeconds),
        payload: standardPayload(vector.identifier, vector.signedAtSeconds * 1000),
        protectedHeader,
      });
      expect(verify(headers)).toMatchObject({ ok: true, identifier: vector.identifier });
      // An HS256 label on a SHA-384/512 MAC is a mismatch.
      const relabelled = headers["x-nh-signature"].replace(protectedHeader, "SFMyNTY");
      expect(verify({ ...headers, "x-nh-signature": relabelled })).toMatchObject({ reason: "bad_signature" });
    },
  );

  it("accepts PBKDF2 with sha384/sha512 and other iteration counts and lengths", () => {
    const headers = {
      ...signSharedSecret({ ...vector, keyDigest: "sha384", keyIterations: 7, keyLength: 48 }),
    };
    expect(verify(headers)).toMatchObject({ ok: true });
  });

  it.each([
    ["four parts", `${vector.signature}.extra`],
    ["an unknown protected header", vector.signature.replace("SFMyNTY", "SFMyNTZ")],
    ["a payload that is not base64url", vector.signature.replace(".g2gD", ".g2g*")],
    ["a MAC that is not base64url", `${vector.signature}!`],
  ])("refuses a token with %s as bad_token", (_label, token) => {
    expect(verify({ ...vectorHeaders(), "x-nh-signature": token })).toMatchObject({
      reason: "bad_token",
      status: 401,
    });
  });

  it("accepts a padded payload and MAC, as Base.url_decode64(padding: false) does", () => {
    const [head, payload, mac] = vector.signature.split(".");
    const pad = (s = "") => s + "=".repeat((4 - (s.length % 4)) % 4);
    expect(verify({ ...vectorHeaders(), "x-nh-signature": `${head}.${payload}.${pad(mac)}` })).toMatchObject({
      ok: true,
    });
  });
});

describe("verifySharedSecret: headers", () => {
  it("ignores header order and name case; the last value of a repeated header wins", () => {
    const reversed = Object.fromEntries(Object.entries(vectorHeaders()).reverse());
    expect(verify(reversed)).toMatchObject({ ok: true });
    const shouting = Object.fromEntries(
      Object.entries(vectorHeaders()).map(([k, v]) => [k.toUpperCase(), v]),
    );
    expect(verify(shouting)).toMatchObject({ ok: true });
    const repeated = { ...vectorHeaders(), "x-nh-time": ["1", String(vector.signedAtSeconds)] };
    expect(verifySharedSecret(repeated, { lookupSecret, nowMs })).toMatchObject({ ok: true });
  });

  it("refuses an unknown key", () => {
    const headers = { ...signSharedSecret({ ...vector, key: "nhp_unknown" }) };
    expect(verify(headers)).toEqual(
      expect.objectContaining({ ok: false, reason: "unknown_key", status: 401 }),
    );
  });

  it.each([
    [undefined, "missing_alg"],
    ["", "bad_alg"],
    ["NH2-HMAC-sha256-1000-32", "bad_alg"],
    ["NH1-HMAC-sha256-1000", "bad_alg"],
    ["NH1-HMAC-sha256-1000-32-1", "bad_alg"],
    ["NH1-HMAC-sha256-1e3-32", "bad_alg"],
    ["NH1-HMAC-sha256-1000- 32", "bad_alg"],
    ["NH1-HMAC-md5-1000-32", "unknown_digest"],
    ["NH1-HMAC-sha256-0-32", "bad_alg"],
    ["NH1-HMAC-sha256-1000-0", "bad_alg"],
    ["NH1-HMAC-sha256-100000000-32", "bad_alg"],
  ])("refuses x-nh-alg %j as %s (401)", (alg, reason) => {
    expect(verify({ ...vectorHeaders(), "x-nh-alg": alg })).toMatchObject({ ok: false, reason, status: 401 });
  });

  it("answers 503 for a missing x-nh-time with a valid alg (server quirk), even before the key lookup", () => {
    expect(verify({ ...vectorHeaders(), "x-nh-time": undefined })).toMatchObject({
      ok: false,
      reason: "missing_time",
      status: 503,
    });
    expect(verify({ ...vectorHeaders(), "x-nh-time": undefined, "x-nh-key": "nhd_nobody" })).toMatchObject({
      status: 503,
    });
    // A bad alg is noticed first, and is a 401.
    expect(verify({ ...vectorHeaders(), "x-nh-time": undefined, "x-nh-alg": "bogus" })).toMatchObject({
      reason: "bad_alg",
      status: 401,
    });
  });

  it.each(["", "17e8", "1700000000.0", " 1700000000", "-"])("refuses x-nh-time %j as bad_time", (time) => {
    expect(verify({ ...vectorHeaders(), "x-nh-time": time })).toMatchObject({
      reason: "bad_time",
      status: 401,
    });
  });

  it("refuses missing x-nh-key and x-nh-signature", () => {
    expect(verify({ ...vectorHeaders(), "x-nh-key": undefined })).toMatchObject({
      reason: "missing_key",
      status: 401,
    });
    expect(verify({ ...vectorHeaders(), "x-nh-signature": undefined })).toMatchObject({
      reason: "missing_signature",
      status: 401,
    });
  });

  it("answers 503 when the key lookup itself fails", () => {
    const failing = () => {
      throw new Error("database down");
    };
    expect(verify(vectorHeaders(), { lookupSecret: failing })).toMatchObject({
      reason: "lookup_failed",
      status: 503,
    });
  });
});

describe("verifySharedSecret: payload", () => {
  const signedAtMs = vector.signedAtSeconds * 1000;
  const withPayload = (payload: Uint8Array) =>
    verify(craftHeaders({ ...vector, time: String(vector.signedAtSeconds), payload }));

  it("accepts the legacy 2-tuple {identifier, signed_at_ms}", () => {
    const payload = encodeTerm(tuple(binary("legacy-1"), integer(signedAtMs)));
    expect(withPayload(payload)).toMatchObject({ ok: true, identifier: "legacy-1", signedAtMs });
  });

  it("accepts Phoenix's old map form %{data: ..., signed: ...}", () => {
    const payload = encodeTerm({
      type: "map",
      value: [
        [atom("signed"), integer(signedAtMs)],
        [atom("data"), binary("map-form")],
      ],
    });
    expect(withPayload(payload)).toMatchObject({ ok: true, identifier: "map-form" });
  });

  it("accepts any valid encoding of the timestamp (LARGE_BIG, padded SMALL_BIG)", () => {
    const ms = BigInt(signedAtMs);
    const digits = [0, 1, 2, 3, 4, 5].map((i) => Number((ms >> BigInt(8 * i)) & 0xffn));
    const id = [...encodeTerm(binary("big-1")).slice(1)];
    const tail = [...encodeTerm(integer(86400)).slice(1)];
    const largeBig = [111, 0, 0, 0, 6, 0, ...digits];
    const paddedSmallBig = [110, 8, 0, ...digits, 0, 0];
    for (const encoded of [largeBig, paddedSmallBig]) {
      expect(withPayload(Uint8Array.from([131, 104, 3, ...id, ...encoded, ...tail]))).toMatchObject({
        ok: true,
      });
    }
  });

  it("refuses a payload carrying a function (EXPORT_EXT fun erlang:self/0) as bad_payload", () => {
    const exportFun = [113, 119, 6, ...Buffer.from("erlang"), 119, 4, ...Buffer.from("self"), 97, 0];
    const payload = Uint8Array.from([
      131,
      104,
      3,
      ...exportFun,
      ...encodeTerm(integer(signedAtMs)).slice(1),
      ...encodeTerm(integer(86400)).slice(1),
    ]);
    expect(withPayload(payload)).toMatchObject({ ok: false, reason: "bad_payload", status: 401 });
  });

  it("refuses an undecodable payload as bad_payload", () => {
    expect(withPayload(Uint8Array.from([131, 104, 3, 109, 0, 0]))).toMatchObject({
      reason: "bad_payload",
      status: 401,
    });
    expect(withPayload(Uint8Array.from([1, 2, 3]))).toMatchObject({ reason: "bad_payload", status: 401 });
  });

  it("answers 503 for a validly signed term of another shape (Plug.Crypto's CaseClauseError)", () => {
    expect(withPayload(encodeTerm(atom("hello")))).toMatchObject({ reason: "unexpected_term", status: 503 });
    const four = tuple(binary("x"), integer(signedAtMs), integer(1), integer(2));
    expect(withPayload(encodeTerm(four))).toMatchObject({ reason: "unexpected_term", status: 503 });
  });

  it("refuses a non-numeric timestamp and a non-binary identifier", () => {
    expect(withPayload(encodeTerm(tuple(binary("x"), binary("now"), integer(1))))).toMatchObject({
      reason: "bad_payload",
      status: 401,
    });
    expect(withPayload(encodeTerm(tuple(atom("x"), integer(signedAtMs), integer(1))))).toMatchObject({
      reason: "bad_identifier",
      status: 401,
    });
  });

  it("ignores the max_age embedded in the token and applies its own", () => {
    const payload = encodeTerm(tuple(binary("x"), integer(signedAtMs - 3_600_000), integer(86400)));
    expect(withPayload(payload)).toMatchObject({ reason: "expired" });
  });
});
