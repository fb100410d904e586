// The link's Storage port as one JSON file under the data directory. Every change rewrites the file
// atomically (write a temporary file, fsync, rename), so a power cut leaves either the old or the new
// state, never half of one. Writes are serialised so they land in the order they were made.
import { mkdir, open, readFile, rename } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Storage } from "@nerves-hub-ts/ports";

export class StorageError extends Error {
  override readonly name = "StorageError";
}

export class JsonFileStorage implements Storage {
  // A Map, not an object: keys such as `constructor` or `__proto__` are ordinary keys here.
  #data = new Map<string, string>();
  #writes: Promise<void> = Promise.resolve();

  private constructor(readonly path: string) {}

  /** Opens (or creates on first write) `<dir>/state.json`; a corrupt file is an error, not an empty state. */
  static async open(dir: string, name = "state.json"): Promise<JsonFileStorage> {
    const storage = new JsonFileStorage(join(dir, name));
    let text: string | undefined;
    try {
      text = await readFile(storage.path, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") {
        throw new StorageError(`cannot read ${storage.path}: ${(e as Error).message}`);
      }
    }
    if (text !== undefined) storage.#data = parseState(text, storage.path);
    return storage;
  }

  async get(key: string): Promise<string | undefined> {
    return this.#data.get(key);
  }

  async set(key: string, value: string): Promise<void> {
    this.#data.set(key, value);
    await this.#save();
  }

  async delete(key: string): Promise<void> {
    if (!this.#data.delete(key)) return;
    await this.#save();
  }

  #save(): Promise<void> {
    // fromEntries defines own properties, so `__proto__` is written as a key like any other.
    const snapshot = JSON.stringify(Object.fromEntries(this.#data));
    const write = this.#writes.then(() => writeAtomically(this.path, snapshot));
    // A failed write is reported to its caller; the next one still runs.
    this.#writes = write.catch(() => undefined);
    return write;
  }
}

function parseState(text: string, path: string): Map<string, string> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new StorageError(`${path} is not valid JSON; move it away to start with empty state`);
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new StorageError(`${path} does not hold a JSON object`);
  }
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(json)) if (typeof v === "string") out.set(k, v);
  return out;
}

async function writeAtomically(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  const handle = await open(temp, "w", 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path);
}
