import { verifySharedSecret } from "@nerves-hub-ts/nh1-token";
import { OBSERVED_B as device, OBSERVED_A as product } from "@nerves-hub-ts/nh1-token/testing";
import { IdentityError } from "@nerves-hub-ts/ports";
import { describe, expect, it } from "vitest";
import { type SharedSecretIdentityConfig, sharedSecretIdentity } from "./identity.js";

function fakeClock(startMs: number) {
  let nowMs = startMs;
  return {
    now: () => nowMs,
    advance: (ms: number) => {
      nowMs += ms;
    },
  };
}

const base = (overrides: Partial<SharedSecretIdentityConfig> = {}): SharedSecretIdentityConfig => ({
  identifier: "dev-42",
  clock: fakeClock(product.signedAtSeconds * 1000),
  ...overrides,
});

const secrets = new Map([
  [product.key, product.secret],
  [device.key, device.secret],
]);
const verifyAt = (headers: Record<string, string>, nowMs: number) =>
  verifySharedSecret(headers, { lookupSecret: (key) => secrets.get(key), nowMs });

describe("sharedSecretIdentity", () => {
  it("reproduces the reference headers for the vector's settings and time", async () => {
    const identity = sharedSecretIdentity({
      productKey: product.key,
      productSecret: product.secret,
      identifier: product.identifier,
      clock: fakeClock(product.signedAtSeconds * 1000 + 999),
    });
    expect(identity.kind).toBe("shared-secret");
    expect(identity.identifier()).toBe(product.identifier);
    expect(await identity.credentials()).toEqual({
      path: "/device-socket/websocket",
      headers: {
        "x-nh-alg": "NH1-HMAC-sha256-1000-32",
        "x-nh-key": product.key,
        "x-nh-time": String(product.signedAtSeconds),
        "x-nh-signature": product.signature,
      },
      tls: undefined,
    });
  });

  it("prefers the device key over the product key", async () => {
    const identity = sharedSecretIdentity(
      base({
        key: device.key,
        secret: device.secret,
        productKey: product.key,
        productSecret: product.secret,
      }),
    );
    const { headers } = await identity.credentials();
    expect(headers["x-nh-key"]).toBe(device.key);
    expect(verifyAt(headers, product.signedAtSeconds * 1000)).toMatchObject({ ok: true, kind: "device" });
  });

  it("falls back to the product key when no device key is set", async () => {
    const identity = sharedSecretIdentity(base({ productKey: product.key, productSecret: product.secret }));
    const { headers } = await identity.credentials();
    expect(headers["x-nh-key"]).toBe(product.key);
    expect(verifyAt(headers, product.signedAtSeconds * 1000)).toMatchObject({
      ok: true,
      identifier: "dev-42",
    });
  });

  it("signs an nhp_ key given as `key` with productSecret, like nerves_hub_link", async () => {
    const identity = sharedSecretIdentity(
      base({ key: product.key, secret: "unused", productSecret: product.secret }),
    );
    const { headers } = await identity.credentials();
    expect(verifyAt(headers, product.signedAtSeconds * 1000)).toMatchObject({ ok: true, kind: "product" });
  });

  it.each([
    [{}, /neither `key` nor `productKey`/],
    [{ key: "" }, /neither `key` nor `productKey`/],
    [{ key: device.key }, /`secret` is not set, but the key is a device key/],
    [{ key: device.key, productSecret: "p" }, /`secret` is not set/],
    [{ productKey: product.key, secret: "s" }, /`productSecret` is not set, but the key is a product key/],
    [{ key: device.key, secret: device.secret, identifier: "" }, /`identifier` is not set/],
  ])("refuses %o with IdentityError missing_setting", (overrides, message) => {
    const attempt = () => sharedSecretIdentity(base(overrides));
    expect(attempt).toThrow(IdentityError);
    expect(attempt).toThrow(
      expect.objectContaining({ code: "missing_setting", message: expect.stringMatching(message) }),
    );
  });

  it.each([
    [{ keyIterations: 0 }, /keyIterations/],
    [{ keyLength: 1.5 }, /keyLength/],
    [{ keyDigest: "md5" as "sha256" }, /keyDigest/],
    [{ key: "nhd_\r\nx-evil: 1" }, /control characters/],
  ])("refuses %o with IdentityError bad_setting", (overrides, message) => {
    const attempt = () =>
      sharedSecretIdentity(base({ key: device.key, secret: device.secret, ...overrides }));
    expect(attempt).toThrow(
      expect.objectContaining({ code: "bad_setting", message: expect.stringMatching(message) }),
    );
  });

  it("never puts a secret in an error message", () => {
    const secret = "super-secret-value";
    for (const config of [
      base({ productKey: product.key, secret }),
      base({ key: device.key, secret, keyLength: 0 }),
    ]) {
      try {
        sharedSecretIdentity(config);
        expect.unreachable();
      } catch (error) {
        expect(String((error as Error).message)).not.toContain(secret);
      }
    }
  });

  it("signs at the server's time when the hint is ahead of a clock that is behind", async () => {
    const clock = fakeClock(product.signedAtSeconds * 1000 - 3_600_000); // an hour behind
    const identity = sharedSecretIdentity(
      base({ clock, productKey: product.key, productSecret: product.secret }),
    );
    const serverTimeMs = product.signedAtSeconds * 1000 + 250;

    const unhinted = await identity.credentials();
    expect(verifyAt(unhinted.headers, serverTimeMs)).toMatchObject({ ok: false, reason: "expired" });

    const hinted = await identity.credentials({ serverTimeMs });
    expect(hinted.headers["x-nh-time"]).toBe(String(product.signedAtSeconds));
    expect(verifyAt(hinted.headers, serverTimeMs)).toMatchObject({ ok: true });
  });

  it("keeps its own clock when the hint is older, and ignores a non-finite hint", async () => {
    const clock = fakeClock(product.signedAtSeconds * 1000);
    const identity = sharedSecretIdentity(
      base({ clock, productKey: product.key, productSecret: product.secret }),
    );
    for (const serverTimeMs of [product.signedAtSeconds * 1000 - 60_000, Number.NaN]) {
      const { headers } = await identity.credentials({ serverTimeMs });
      expect(headers["x-nh-time"]).toBe(String(product.signedAtSeconds));
    }
  });

  it("re-signs on every call with the current clock", async () => {
    const clock = fakeClock(product.signedAtSeconds * 1000);
    const identity = sharedSecretIdentity(
      base({ clock, productKey: product.key, productSecret: product.secret }),
    );
    const first = await identity.credentials();
    clock.advance(120_000);
    const second = await identity.credentials();
    expect(Number(second.headers["x-nh-time"]) - Number(first.headers["x-nh-time"])).toBe(120);
    expect(second.headers["x-nh-signature"]).not.toBe(first.headers["x-nh-signature"]);
    const serverNow = clock.now() + 500;
    expect(verifyAt(first.headers, serverNow)).toMatchObject({ reason: "expired" });
    expect(verifyAt(second.headers, serverNow)).toMatchObject({ ok: true });
  });
});
