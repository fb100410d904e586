import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { JsonFileStorage, StorageError } from "./json-file-storage.js";

const tempDirs: string[] = [];
afterEach(async () => {
  await Promise.all(tempDirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const freshDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), "nh-storage-"));
  tempDirs.push(dir);
  return dir;
};

describe("JsonFileStorage", () => {
  it("keeps values across reopen and leaves no temporary files", async () => {
    const dir = await freshDir();
    const a = await JsonFileStorage.open(join(dir, "nested"));
    await a.set("resume", '{"offset":10}');
    await a.set("other", "x");
    await a.delete("other");
    const b = await JsonFileStorage.open(join(dir, "nested"));
    expect(await b.get("resume")).toBe('{"offset":10}');
    expect(await b.get("other")).toBeUndefined();
    expect(await readdir(join(dir, "nested"))).toEqual(["state.json"]);
  });

  it("concurrent writes land in call order", async () => {
    const dir = await freshDir();
    const s = await JsonFileStorage.open(dir);
    await Promise.all(Array.from({ length: 20 }, (_, i) => s.set("n", String(i))));
    expect(JSON.parse(await readFile(join(dir, "state.json"), "utf8"))).toEqual({ n: "19" });
  });

  it("refuses a corrupt state file rather than silently starting empty", async () => {
    const dir = await freshDir();
    await writeFile(join(dir, "state.json"), "{ half");
    await expect(JsonFileStorage.open(dir)).rejects.toBeInstanceOf(StorageError);
  });
});
