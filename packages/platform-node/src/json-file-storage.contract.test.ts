import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { storageContract } from "@nerves-hub-ts/port-contracts";
import { JsonFileStorage } from "./json-file-storage.js";

storageContract("JsonFileStorage", async () => {
  const dir = await mkdtemp(join(tmpdir(), "json-storage-contract-"));
  return {
    storage: await JsonFileStorage.open(dir),
    reopen: () => JsonFileStorage.open(dir),
    teardown: () => rm(dir, { recursive: true, force: true }),
  };
});
