import { afterAll, afterEach, beforeAll } from "vitest";
import type { Hub } from "../hub.js";
import { type TestHub as KitHub, startTestHub, type TestHubOptions } from "../test-kit/test-hub.js";

export interface TestHub {
  /** The file's hub; read it inside tests and hooks (it starts in beforeAll). */
  readonly hub: Hub;
  /** The kit's handle on it (PKI, product key, download ranges). */
  readonly kit: KitHub;
  /** Runs `close` after the current test, so a failing test cannot leak devices into the next one. */
  afterThisTest(close: () => void): void;
}

/**
 * One test hub (`startTestHub`) for the whole test file; closed after the file.
 * `options` may be a function when they depend on something made first (a PKI).
 */
export function useTestHub(options: TestHubOptions | (() => Promise<TestHubOptions>) = {}): TestHub {
  let kit: KitHub | undefined;
  const closers: (() => void)[] = [];
  beforeAll(async () => {
    kit = await startTestHub(typeof options === "function" ? await options() : options);
  });
  afterEach(() => {
    for (const close of closers.splice(0)) close();
  });
  afterAll(() => kit?.close());
  const started = () => {
    if (kit === undefined) throw new Error("the test hub starts in beforeAll; read it inside a test");
    return kit;
  };
  return {
    get hub() {
      return started().hub;
    },
    get kit() {
      return started();
    },
    afterThisTest(close) {
      closers.push(close);
    },
  };
}
