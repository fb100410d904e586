/** Port: small persistent key-value state (resume bookkeeping, firmware validation flags). */
export interface Storage {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}
