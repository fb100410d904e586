/** TLS material for one connection, in the shapes Node's `tls.connect` accepts. */
export interface TlsCredentials {
  /** PEM client certificate chain (device certificate first, then any signer certificate). */
  cert?: string;
  /** PEM private key (omit when `privateKeyEngine` holds the key). */
  key?: string;
  /** PEM CA certificates that verify the server; omitted means the system store. */
  ca?: string[];
  /** OpenSSL engine id or path for a non-exportable key (PKCS#11). */
  privateKeyEngine?: string;
  /** Engine key identifier, e.g. a `pkcs11:` URI. */
  privateKeyIdentifier?: string;
  /** Server name for SNI and certificate checks, when it differs from the URL host. */
  servername?: string;
}

/** The socket path each auth mode connects to (nerves_hub_link replaces the URL path with it). */
export type SocketPath = "/socket/websocket" | "/device-socket/websocket";

/** What an Identity contributes to one connection attempt. */
export interface Credentials {
  path: SocketPath;
  /** Extra websocket upgrade headers (shared secret: the four `x-nh-*` headers). */
  headers: Record<string, string>;
  tls?: TlsCredentials;
}

/** A hint for signing: the server's `Date` from a refused upgrade, in ms since the epoch. */
export interface SigningHint {
  serverTimeMs?: number;
}

/** Port: who the device is. Supplies credentials, freshly made, for every connection attempt. */
export interface Identity {
  /** Which auth mode this is, for logs and state. */
  readonly kind: "certificate" | "shared-secret" | (string & {});
  /** The device identifier as the hub knows it (certificate CN or signed identifier). */
  identifier(): string;
  /** Credentials for the next attempt; shared-secret identities re-sign each time. */
  credentials(hint?: SigningHint): Promise<Credentials>;
}

/** A typed error an Identity throws when its material is missing, malformed or unusable. */
export class IdentityError extends Error {
  override readonly name = "IdentityError";
  constructor(
    readonly code:
      | "missing_file"
      | "bad_pem"
      | "expired"
      | "not_yet_valid"
      | "key_mismatch"
      | "missing_setting"
      | "bad_setting",
    message: string,
  ) {
    super(message);
  }
}
