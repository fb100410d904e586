import { describe, expect, it } from "vitest";
import { redactSharedSecretHeaders } from "./redact.js";
import { signSharedSecret } from "./sign.js";
import { NHP_TEST } from "./test-support/vectors.js";

describe("redactSharedSecretHeaders", () => {
  it("hides the signature and keeps alg, key and time readable", () => {
    const headers = signSharedSecret(NHP_TEST);
    expect(redactSharedSecretHeaders(headers)).toEqual({
      "x-nh-alg": "NH1-HMAC-sha256-1000-32",
      "x-nh-key": "nhp_test",
      "x-nh-time": "1700000000",
      "x-nh-signature": "[redacted]",
    });
    expect(headers["x-nh-signature"]).toBe(NHP_TEST.signature);
  });

  it("hides any secret-like header whatever its case", () => {
    const redacted = redactSharedSecretHeaders({
      "X-NH-Signature": "t",
      "x-nh-secret": "s",
      Authorization: "Bearer x",
      cookie: "a=b",
      host: "hub.local",
      "x-absent": undefined,
    });
    expect(redacted).toEqual({
      "X-NH-Signature": "[redacted]",
      "x-nh-secret": "[redacted]",
      Authorization: "[redacted]",
      cookie: "[redacted]",
      host: "hub.local",
      "x-absent": undefined,
    });
  });
});
