import { createPrivateKey, createPublicKey, type KeyObject, type webcrypto } from "node:crypto";
import { DevPkiError } from "./errors.js";

const EC_P256 = { name: "ECDSA", namedCurve: "P-256" } as const;

/** ECDSA with SHA-256, the signature every dev-pki certificate carries. */
export const SIGNING_ALGORITHM = { name: "ECDSA", hash: "SHA-256" } as const;

/** A P-256 key pair as WebCrypto keys (for @peculiar/x509) plus its PKCS#8 PEM (for Node's tls). */
export interface EcKeyPair {
  privateKey: webcrypto.CryptoKey;
  publicKey: webcrypto.CryptoKey;
  keyPem: string;
}

export async function generateKeyPair(): Promise<EcKeyPair> {
  const pair = await crypto.subtle.generateKey(EC_P256, true, ["sign", "verify"]);
  const pkcs8 = Buffer.from(await crypto.subtle.exportKey("pkcs8", pair.privateKey));
  return { ...pair, keyPem: toPkcs8Pem(createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" })) };
}

/** Imports a P-256 private key in any PEM form Node reads (PKCS#8 or SEC1) and derives its public key. */
export async function importKeyPair(keyPem: string): Promise<EcKeyPair> {
  let key: KeyObject;
  try {
    key = createPrivateKey(keyPem);
  } catch {
    // Node's parse errors are generic; never echo the input, it is a private key.
    throw new DevPkiError("the private key is not a readable unencrypted PEM key");
  }
  if (key.asymmetricKeyType !== "ec" || key.asymmetricKeyDetails?.namedCurve !== "prime256v1") {
    throw new DevPkiError(`dev-pki only handles ECDSA P-256 keys, got ${describeKey(key)}`);
  }
  const pkcs8 = key.export({ type: "pkcs8", format: "der" });
  const spki = createPublicKey(key).export({ type: "spki", format: "der" });
  return {
    privateKey: await crypto.subtle.importKey("pkcs8", pkcs8, EC_P256, false, ["sign"]),
    publicKey: await crypto.subtle.importKey("spki", spki, EC_P256, true, ["verify"]),
    keyPem: toPkcs8Pem(key),
  };
}

function toPkcs8Pem(key: KeyObject): string {
  return key.export({ type: "pkcs8", format: "pem" }).toString();
}

function describeKey(key: KeyObject): string {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  return curve ? `${key.asymmetricKeyType} ${curve}` : `${key.asymmetricKeyType}`;
}
