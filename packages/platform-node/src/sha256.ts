// The Sha256 port on Node: node:crypto's hash (OpenSSL, hardware-accelerated where the CPU has it),
// many times faster than the pure-JS one in @nerves-hub-ts/update on a large firmware.
import { createHash } from "node:crypto";
import type { Sha256Factory } from "@nerves-hub-ts/ports";

/** A fresh incremental SHA-256 from node:crypto. */
export const nodeSha256: Sha256Factory = () => {
  const h = createHash("sha256");
  return {
    update: (bytes) => {
      h.update(bytes);
    },
    hexDigest: () => h.digest("hex"),
  };
};
