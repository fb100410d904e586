// The Identity contract: what `Identity` in @nerves-hub-ts/ports promises, as tests.
import { type Credentials, type Identity, IdentityError } from "@nerves-hub-ts/ports";
import { beforeEach, describe, expect, it } from "vitest";

export interface IdentityFixture {
  identity: Identity;
  /** Builds the same kind of identity from unusable material or settings (it may throw while building). */
  invalid?(): Identity | Promise<Identity>;
}

const PATH_OF_KIND: Record<string, Credentials["path"]> = {
  certificate: "/socket/websocket",
  "shared-secret": "/device-socket/websocket",
};

/** Registers the Identity contract for the identity `setup` builds (once per test). */
export function identityContract(name: string, setup: () => Promise<IdentityFixture>): void {
  describe(`${name} (Identity contract)`, () => {
    let fixture: IdentityFixture;
    beforeEach(async () => {
      fixture = await setup();
    });

    it("names its kind and a stable device identifier", () => {
      const { identity } = fixture;
      expect(identity.kind).toMatch(/\S/);
      expect(identity.identifier()).toMatch(/\S/);
      expect(identity.identifier()).toBe(identity.identifier());
    });

    it("gives credentials for the socket path of its auth mode, with string headers", async () => {
      const { identity } = fixture;
      const credentials = await identity.credentials();
      expect(["/socket/websocket", "/device-socket/websocket"]).toContain(credentials.path);
      const expected = PATH_OF_KIND[identity.kind];
      if (expected) expect(credentials.path).toBe(expected);
      for (const value of Object.values(credentials.headers)) expect(typeof value).toBe("string");
      if (identity.kind === "certificate") {
        expect(credentials.tls?.cert).toMatch(/-----BEGIN CERTIFICATE-----/);
      }
      if (identity.kind === "shared-secret") expect(Object.keys(credentials.headers)).not.toEqual([]);
      if (credentials.tls?.key !== undefined) expect(credentials.tls.key).toMatch(/PRIVATE KEY-----/);
    });

    it("makes fresh credentials for every attempt: changing one set changes no other", async () => {
      const { identity } = fixture;
      const first = await identity.credentials();
      const pristine = structuredClone(first);
      first.headers["x-contract-tampered"] = "yes";
      first.path = "/tampered" as Credentials["path"];
      if (first.tls) first.tls.cert = "tampered";
      expect(await identity.credentials()).toEqual(pristine);
    });

    it("takes a signing hint with the server's time", async () => {
      const { identity } = fixture;
      const hinted = await identity.credentials({ serverTimeMs: Date.now() + 120_000 });
      expect(hinted.path).toBe((await identity.credentials()).path);
      if (identity.kind === "shared-secret") {
        // A signature for the hinted time differs from one for a minute later: it is signed afresh.
        const later = await identity.credentials({ serverTimeMs: Date.now() + 180_000 });
        expect(later.headers).not.toEqual(hinted.headers);
      }
    });

    it("unusable material fails with a typed IdentityError", async (ctx) => {
      const invalid = fixture.invalid;
      if (!invalid) return ctx.skip();
      const error = await (async () => (await invalid()).credentials())().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(IdentityError);
      expect((error as IdentityError).code).toMatch(/^[a-z_]+$/);
      expect((error as IdentityError).message).not.toBe("");
    });
  });
}
