import { describe, expect, it } from "vitest";
import { pureSha256 } from "./sha256.js";

describe("pureSha256", () => {
  it("hashes incrementally to the standard digest", () => {
    const h = pureSha256();
    h.update(new TextEncoder().encode("ab"));
    h.update(new TextEncoder().encode("c"));
    expect(h.hexDigest()).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(pureSha256().hexDigest()).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });
});
