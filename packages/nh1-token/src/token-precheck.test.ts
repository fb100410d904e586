import { describe, expect, it } from "vitest";
import { signSharedSecret } from "./sign.js";
import { precheckToken } from "./token-precheck.js";

const nowMs = 1_735_689_600_000;
const token = (offsetSeconds: number) =>
  signSharedSecret({
    key: "nhp_k",
    secret: "s",
    identifier: "dev-1",
    signedAtSeconds: nowMs / 1000 + offsetSeconds,
  })["x-nh-signature"];

describe("precheckToken", () => {
  it("passes a well-formed token of an accepted age, whatever its MAC", () => {
    expect(precheckToken(token(0), nowMs, 90)).toEqual({ ok: true });
    expect(precheckToken(token(-89), nowMs, 90)).toEqual({ ok: true });
    const [head, payload] = token(0).split(".");
    expect(precheckToken(`${head}.${payload}.${"A".repeat(43)}`, nowMs, 90)).toEqual({ ok: true });
  });

  it.each([
    ["two parts", "SFMyNTY.g2gD"],
    ["four parts", `${token(0)}.x`],
    ["an unknown protected header", token(0).replace("SFMyNTY", "SFMyNTZ")],
    ["a MAC of the wrong length", token(0).slice(0, -2)],
    ["a payload that is not base64url", token(0).replace(".g2", ".*2")],
  ])("refuses %s as bad_token", (_label, text) => {
    expect(precheckToken(text, nowMs, 90)).toEqual({ ok: false, reason: "bad_token" });
  });

  it("refuses tokens out of their age window and undecodable payloads", () => {
    expect(precheckToken(token(-91), nowMs, 90)).toEqual({ ok: false, reason: "expired" });
    expect(precheckToken(token(1), nowMs, 90)).toEqual({ ok: false, reason: "future" });
    const [head, , mac] = token(0).split(".");
    expect(precheckToken(`${head}.AAAA.${mac}`, nowMs, 90)).toEqual({ ok: false, reason: "bad_payload" });
  });
});
