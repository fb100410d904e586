// The Identity port for shared-secret devices: fresh x-nh-* headers for every connection attempt.

import {
  checkSigningOptions,
  type KeyDigest,
  SigningError,
  signSharedSecret,
} from "@nerves-hub-ts/nh1-token";
import {
  type Clock,
  type Credentials,
  type Identity,
  IdentityError,
  type SigningHint,
} from "@nerves-hub-ts/ports";

/** Shared-secret settings, named like nerves_hub_link's `shared_secret:` options. */
export interface SharedSecretIdentityConfig {
  /** Device-level key (`nhd_…`); preferred over `productKey` when both are set. */
  key?: string;
  /** Secret for a device key. */
  secret?: string;
  /** Product-level key (`nhp_…`); the hub creates the device on first connect. */
  productKey?: string;
  /** Secret for a product key. */
  productSecret?: string;
  /** The device identifier to sign (nerves_hub_link uses the board serial number). */
  identifier: string;
  keyDigest?: KeyDigest;
  keyIterations?: number;
  keyLength?: number;
  /** Wall clock; signatures use whole seconds of it. */
  clock: Pick<Clock, "now">;
}

const PRODUCT_KEY_PREFIX = "nhp_";
// Header values cannot carry control characters; catching them here gives a clearer error.
const hasControlCharacter = (text: string) => [...text].some((c) => c < " " || c === "\u007f");

/**
 * Builds a shared-secret Identity. Key choice follows nerves_hub_link: `key`, else `productKey`;
 * a key starting with `nhp_` is signed with `productSecret`, any other with `secret`.
 * Throws IdentityError("missing_setting" | "bad_setting") when the settings cannot work.
 */
export function sharedSecretIdentity(config: SharedSecretIdentityConfig): Identity {
  const key = present(config.key) ?? present(config.productKey);
  if (key === undefined) {
    throw new IdentityError("missing_setting", "shared secret: neither `key` nor `productKey` is set");
  }
  const isProductKey = key.startsWith(PRODUCT_KEY_PREFIX);
  const secretSetting = isProductKey ? "productSecret" : "secret";
  const secret = isProductKey ? config.productSecret : config.secret;
  if (secret === undefined || secret === "") {
    const keyKind = isProductKey ? "a product key (nhp_…)" : "a device key";
    throw new IdentityError(
      "missing_setting",
      `shared secret: \`${secretSetting}\` is not set, but the key is ${keyKind}`,
    );
  }
  if (present(config.identifier) === undefined) {
    throw new IdentityError("missing_setting", "shared secret: `identifier` is not set");
  }
  if (hasControlCharacter(key)) {
    throw new IdentityError("bad_setting", "shared secret: the key contains control characters");
  }
  const settings = {
    key,
    secret,
    identifier: config.identifier,
    keyDigest: config.keyDigest,
    keyIterations: config.keyIterations,
    keyLength: config.keyLength,
  };
  // Bad digest/iteration/length settings fail here, at composition, not at the first connect.
  asIdentityError(() => checkSigningOptions({ ...settings, signedAtSeconds: 0 }));

  return {
    kind: "shared-secret",
    identifier: () => config.identifier,
    async credentials(hint?: SigningHint): Promise<Credentials> {
      // A refused upgrade's Date header fixes a device clock that is behind, never one ahead.
      const hinted = hint?.serverTimeMs;
      const nowMs = Math.max(
        config.clock.now(),
        hinted !== undefined && Number.isFinite(hinted) ? hinted : 0,
      );
      return {
        path: "/device-socket/websocket",
        headers: {
          ...asIdentityError(() =>
            signSharedSecret({ ...settings, signedAtSeconds: Math.floor(nowMs / 1000) }),
          ),
        },
        tls: undefined,
      };
    },
  };
}

function asIdentityError<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof SigningError) {
      throw new IdentityError("bad_setting", `shared secret: ${error.message}`);
    }
    throw error;
  }
}

function present(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}
