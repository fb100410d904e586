import { storageContract } from "@nerves-hub-ts/port-contracts";
import { MemoryStorage } from "./memory-storage.js";

storageContract("MemoryStorage", async () => ({ storage: new MemoryStorage() }));
