// The hash the update strategies verify firmware with. Its types live in the update domain, which
// verifies bytes with a pure implementation; as a port, a platform plugs in a faster native one.
export type {
  /** Port: an incremental SHA-256 (`update` bytes, then one lower-case `hexDigest`). */
  Sha256,
  /** Port: makes a fresh incremental SHA-256 for each firmware or part to verify. */
  Sha256Factory,
} from "@nerves-hub-ts/update";
