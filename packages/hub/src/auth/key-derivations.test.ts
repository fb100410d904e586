import { pbkdf2Sync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DerivationsBusyError, KeyDerivations } from "./key-derivations.js";

const key = "nhp_ZfQSu499UgzwXi5OrsqjA26DhsTzTgv70i0ZYNo/AcI";
const secret = "ltuG7VwxNjcaHDTQwMIepwZhPloOt6fXiJFG05BKnHE";
const salt = `NH1:device-socket:shared-secret:connect\n\nx-nh-alg=NH1-HMAC-sha256-1000-32\nx-nh-key=${key}\nx-nh-time=1735689600\n`;
const request = (
  overrides: Partial<{ salt: string; secret: string; digest: string; length: number }> = {},
) => ({
  digest: "sha256",
  secret,
  salt,
  iterations: 1000,
  length: 32,
  ...overrides,
});

describe("KeyDerivations", () => {
  it("gives the reference vector's derived key (sha256, 1000 iterations, 32 bytes) and keeps it", async () => {
    const derivations = new KeyDerivations();
    expect(derivations.cached(request())).toBeUndefined();
    const derived = await derivations.derive(request());
    expect(Buffer.from(derived).toString("hex")).toBe(
      "a5c664548793c9bb4817514f60d41a77e37f554eb8603b06b246320f08df84b9",
    );
    expect(derivations.cached(request())).toBe(derived);
    expect(derivations.cached(request({ secret: "other" }))).toBeUndefined();
  });

  it("maps sha to SHA-1", async () => {
    const derived = await new KeyDerivations().derive(request({ digest: "sha", length: 20 }));
    expect(Buffer.from(derived)).toEqual(pbkdf2Sync(secret, salt, 1000, 20, "sha1"));
  });

  it("shares one derivation among concurrent requests for the same inputs", async () => {
    const derivations = new KeyDerivations({ maxEntries: 4, maxParallel: 1, maxQueued: 0 });
    const [a, b] = await Promise.all([derivations.derive(request()), derivations.derive(request())]);
    expect(a).toBe(b);
  });

  it("keeps a bounded number of keys", async () => {
    const derivations = new KeyDerivations({ maxEntries: 2, maxParallel: 2, maxQueued: 8 });
    for (const s of ["a", "b", "c"]) await derivations.derive(request({ salt: s }));
    expect(derivations.cached(request({ salt: "a" }))).toBeUndefined();
    expect(derivations.cached(request({ salt: "c" }))).toBeDefined();
  });

  it("runs at most maxParallel at once, queues maxQueued more and refuses the rest", async () => {
    const derivations = new KeyDerivations({ maxEntries: 16, maxParallel: 1, maxQueued: 2 });
    const started = ["a", "b", "c"].map((s) => derivations.derive(request({ salt: s })));
    await expect(derivations.derive(request({ salt: "d" }))).rejects.toThrow(DerivationsBusyError);
    await Promise.all(started);
    await expect(derivations.derive(request({ salt: "d" }))).resolves.toHaveLength(32);
  });
});
