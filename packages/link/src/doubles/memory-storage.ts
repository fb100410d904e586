import type { Storage } from "@nerves-hub-ts/ports";

/** An in-memory Storage; also a test double. */
export class MemoryStorage implements Storage {
  readonly data = new Map<string, string>();
  async get(key: string): Promise<string | undefined> {
    return this.data.get(key);
  }
  async set(key: string, value: string): Promise<void> {
    this.data.set(key, value);
  }
  async delete(key: string): Promise<void> {
    this.data.delete(key);
  }
}
