// Test vectors from the reference sheets, all reproduced with the real Plug.Crypto there.

export interface Vector {
  name: string;
  key: string;
  secret: string;
  identifier: string;
  signedAtSeconds: number;
  derivedKeyHex: string;
  payloadHex: string;
  signature: string;
}

export const NHP_TEST: Vector = {
  name: "device-client.md §2.1 (nhp_test)",
  key: "nhp_test",
  secret: "test-secret",
  identifier: "tnh-unit-test",
  signedAtSeconds: 1700000000,
  derivedKeyHex: "26195c939650b82c562359463f755552b7c82359ecebfcd54e8a88cdad037e87",
  payloadHex: "8368036d0000000d746e682d756e69742d746573746e06000068e5cf8b016200015180",
  signature:
    "SFMyNTY.g2gDbQAAAA10bmgtdW5pdC10ZXN0bgYAAGjlz4sBYgABUYA.UjN7CG034TdyV5umEWbY-4eTRoZ7MXgQlCQHo5mlniY",
};

export const HUB_EXAMPLE: Vector = {
  name: "hub-server.md §2.2 (nhp_example-key)",
  key: "nhp_example-key",
  secret: "example-secret-not-real-0123456789abcdefghij",
  identifier: "device-1234",
  signedAtSeconds: 1700000000,
  derivedKeyHex: "c37052696cf77dc66c211aa09a3bec6b452e17c0f93fc50549672f474042b934",
  payloadHex: "8368036d0000000b6465766963652d313233346e06000068e5cf8b016200015180",
  signature:
    "SFMyNTY.g2gDbQAAAAtkZXZpY2UtMTIzNG4GAABo5c-LAWIAAVGA.5ONMMIWWKt-Ztk8G8os9Z3ueKo_eMefmTaFa8n2JFbE",
};

export const OBSERVED_A: Vector = {
  name: "observed-tokens-and-fwup.md A (product key)",
  key: "nhp_ZfQSu499UgzwXi5OrsqjA26DhsTzTgv70i0ZYNo/AcI",
  secret: "ltuG7VwxNjcaHDTQwMIepwZhPloOt6fXiJFG05BKnHE",
  identifier: "nerves-a1b2",
  signedAtSeconds: 1735689600,
  derivedKeyHex: "a5c664548793c9bb4817514f60d41a77e37f554eb8603b06b246320f08df84b9",
  payloadHex: "8368036d0000000b6e65727665732d613162326e0600007c291f94016200015180",
  signature:
    "SFMyNTY.g2gDbQAAAAtuZXJ2ZXMtYTFiMm4GAAB8KR-UAWIAAVGA.zuAVoPcavhJs2E6hUsGhXjLNqSd5Cy6Ynwhr_lPCaTc",
};

export const OBSERVED_B: Vector = {
  name: "observed-tokens-and-fwup.md B (device key)",
  key: "nhd_G7SvgSjT0yce/mg7PXgo7urJRHT4ZI9pXT2izyzfWWk",
  secret: "nJzqGyzskyG+CgtKccbuG0n3gMGrrwofAKYOh1MAscg",
  identifier: "rpi4-0000c0ffee",
  signedAtSeconds: 1767225599,
  derivedKeyHex: "14ba44606c1e10b5b5fdf97061557b06b7bd13532395687697978d3fa1164206",
  payloadHex: "8368036d0000000f727069342d303030306330666665656e060018a4da769b016200015180",
  signature:
    "SFMyNTY.g2gDbQAAAA9ycGk0LTAwMDBjMGZmZWVuBgAYpNp2mwFiAAFRgA.inA0xAwXcEP5gbjSp15EU4K20Z91JLMAys4z9xJMtdY",
};

export const VECTORS: readonly Vector[] = [NHP_TEST, HUB_EXAMPLE, OBSERVED_A, OBSERVED_B];

/** The alg string every vector uses. */
export const DEFAULT_ALG = "NH1-HMAC-sha256-1000-32";
