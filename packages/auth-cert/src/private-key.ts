import { createPrivateKey, type KeyObject, X509Certificate } from "node:crypto";
import { IdentityError } from "@nerves-hub-ts/ports";
import type { LoadedPem } from "./pem-source.js";

// Messages here name where the key came from, never its contents.

export function parsePrivateKey(source: LoadedPem): KeyObject {
  try {
    return createPrivateKey(source.text);
  } catch {
    throw new IdentityError("bad_pem", `${source.origin} is not a readable unencrypted PEM private key`);
  }
}

/** Fails unless `key` is the private half of the certificate's public key. */
export function assertKeyMatches(
  certificatePem: string,
  certOrigin: string,
  key: KeyObject,
  keyOrigin: string,
) {
  if (!new X509Certificate(certificatePem).checkPrivateKey(key)) {
    throw new IdentityError(
      "key_mismatch",
      `the private key from ${keyOrigin} does not belong to the certificate from ${certOrigin}`,
    );
  }
}
