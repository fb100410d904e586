// The Storage contract: what `Storage` in @nerves-hub-ts/ports promises (small persistent
// key-value state), as tests.
import type { Storage } from "@nerves-hub-ts/ports";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

export interface StorageFixture {
  storage: Storage;
  /** A second Storage over the same place, as after a restart, when the state is persistent. */
  reopen?(): Promise<Storage>;
  teardown?(): Promise<void>;
}

/** Registers the Storage contract for the storage `setup` builds (once per test). */
export function storageContract(name: string, setup: () => Promise<StorageFixture>): void {
  describe(`${name} (Storage contract)`, () => {
    let fixture: StorageFixture;
    beforeEach(async () => {
      fixture = await setup();
    });
    afterEach(async () => {
      await fixture.teardown?.();
    });

    it("a key never set reads as undefined", async () => {
      expect(await fixture.storage.get("contract.never-set")).toBeUndefined();
    });

    it("treats names of object built-ins as ordinary keys", async () => {
      const { storage } = fixture;
      const names = ["constructor", "toString", "__proto__", "hasOwnProperty"];
      for (const name of names) expect(await storage.get(name), name).toBeUndefined();
      for (const name of names) await storage.set(name, `value of ${name}`);
      for (const name of names) expect(await storage.get(name), name).toBe(`value of ${name}`);
      const reopened = (await fixture.reopen?.()) ?? storage;
      for (const name of names) expect(await reopened.get(name), name).toBe(`value of ${name}`);
      await storage.delete("__proto__");
      expect(await storage.get("__proto__")).toBeUndefined();
    });

    it("reads back what was set, and the last value set", async () => {
      const { storage } = fixture;
      await storage.set("contract.key", "first");
      expect(await storage.get("contract.key")).toBe("first");
      await storage.set("contract.key", "second");
      expect(await storage.get("contract.key")).toBe("second");
    });

    it("keeps any string value exactly, the empty string included", async () => {
      const { storage } = fixture;
      const values = {
        "contract.empty": "",
        "contract.text": 'quotes " and \\ backslash, line\nbreaks, ünïcödé ✓ 🚀',
        "contract.json": JSON.stringify({ offset: 1024, uuid: "8a8b902c" }),
        "contract.long": "x".repeat(100_000),
      };
      for (const [key, value] of Object.entries(values)) await storage.set(key, value);
      for (const [key, value] of Object.entries(values)) expect(await storage.get(key)).toBe(value);
    });

    it("delete removes one key, and deleting a missing key is harmless", async () => {
      const { storage } = fixture;
      await storage.set("contract.a", "1");
      await storage.set("contract.b", "2");
      await storage.delete("contract.a");
      expect(await storage.get("contract.a")).toBeUndefined();
      expect(await storage.get("contract.b")).toBe("2");
      await expect(storage.delete("contract.a")).resolves.toBeUndefined();
      await expect(storage.delete("contract.never-set")).resolves.toBeUndefined();
    });

    it("concurrent changes all land, in the order they were made", async () => {
      const { storage } = fixture;
      await Promise.all([
        ...Array.from({ length: 10 }, (_, i) => storage.set(`contract.k${i}`, `v${i}`)),
        storage.set("contract.same", "old"),
        storage.set("contract.same", "new"),
        storage.set("contract.gone", "x"),
        storage.delete("contract.gone"),
      ]);
      for (let i = 0; i < 10; i++) expect(await storage.get(`contract.k${i}`)).toBe(`v${i}`);
      expect(await storage.get("contract.same")).toBe("new");
      expect(await storage.get("contract.gone")).toBeUndefined();
    });

    it("what a resolved set or delete changed survives a reopen", async (ctx) => {
      if (!fixture.reopen) return ctx.skip();
      const { storage } = fixture;
      await storage.set("contract.kept", "value");
      await storage.set("contract.removed", "value");
      await Promise.all([storage.set("contract.same", "old"), storage.set("contract.same", "new")]);
      await storage.delete("contract.removed");
      const again = await fixture.reopen();
      expect(await again.get("contract.kept")).toBe("value");
      expect(await again.get("contract.same")).toBe("new");
      expect(await again.get("contract.removed")).toBeUndefined();
    });
  });
}
