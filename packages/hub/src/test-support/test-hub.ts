import { afterAll, afterEach, beforeAll } from "vitest";
import { type Hub, type HubOptions, startHub } from "../hub.js";
import { PRODUCT_KEY, PRODUCT_SECRET } from "./fixtures.js";

export interface TestHub {
  /** The file's hub; read it inside tests and hooks (it starts in beforeAll). */
  readonly hub: Hub;
  /** Runs `close` after the current test, so a failing test cannot leak devices into the next one. */
  afterThisTest(close: () => void): void;
}

/**
 * One hub for the whole test file, knowing the test product key; closed after the file.
 * `options` may be a function when they depend on something made first (a PKI).
 */
export function useTestHub(options: HubOptions | (() => Promise<HubOptions>) = {}): TestHub {
  let hub: Hub | undefined;
  const closers: (() => void)[] = [];
  beforeAll(async () => {
    hub = await startHub(typeof options === "function" ? await options() : options);
    hub.addProductKey(PRODUCT_KEY, PRODUCT_SECRET);
  });
  afterEach(() => {
    for (const close of closers.splice(0)) close();
  });
  afterAll(() => hub?.close());
  return {
    get hub() {
      if (hub === undefined) throw new Error("the test hub starts in beforeAll; read it inside a test");
      return hub;
    },
    afterThisTest(close) {
      closers.push(close);
    },
  };
}
