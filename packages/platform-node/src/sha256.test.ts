import { randomBytes } from "node:crypto";
import { pureSha256 } from "@nerves-hub-ts/update";
import { describe, expect, it } from "vitest";
import { nodeSha256 } from "./sha256.js";

describe("nodeSha256", () => {
  it("gives the standard digests", () => {
    expect(nodeSha256().hexDigest()).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    const h = nodeSha256();
    h.update(new TextEncoder().encode("abc"));
    expect(h.hexDigest()).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("agrees with the pure hash however the bytes are split", () => {
    const bytes = randomBytes(100_003);
    const pure = pureSha256();
    pure.update(bytes);
    const native = nodeSha256();
    for (let at = 0; at < bytes.length; at += 7919) native.update(bytes.subarray(at, at + 7919));
    expect(native.hexDigest()).toBe(pure.hexDigest());
  });
});
