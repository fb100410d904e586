import { createHash } from "node:crypto";
import type { Sha256Factory } from "@nerves-hub-ts/update";

/** SHA-256 from node:crypto (OpenSSL, hardware-accelerated where the CPU has it). */
export const nodeSha256: Sha256Factory = () => {
  const h = createHash("sha256");
  return {
    update: (bytes) => {
      h.update(bytes);
    },
    hexDigest: () => h.digest("hex"),
  };
};
