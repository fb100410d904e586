// fwup signing keys are base64 Ed25519 public keys (32 bytes). nerves_hub_link refuses an update
// when none is usable (device-client.md §4.3 step 2); a string that is not such a key cannot
// verify anything, so it does not count.

/** True when `key` is base64 for exactly 32 bytes (an Ed25519 public key). */
export function isUsablePublicKey(key: string): boolean {
  const trimmed = key.trim();
  if (!/^[A-Za-z0-9+/]{43}=$/.test(trimmed)) return false;
  try {
    return atob(trimmed).length === 32;
  } catch {
    return false;
  }
}

/** The usable keys of a list, trimmed, without duplicates. */
export function usablePublicKeys(keys: readonly string[]): string[] {
  return [...new Set(keys.filter(isUsablePublicKey).map((k) => k.trim()))];
}
