// Connections with the same TLS material share one SecureContext. Without this, Node parses the CAs,
// certificate and key again for every connection and each socket holds its own context, which is
// most of a connection's native memory at fleet scale. Contexts are held weakly: a context lives as
// long as a socket uses it (the TLS handle references it), and its cache entry goes with it.
import { createSecureContext, type SecureContext, type SecureContextOptions } from "node:tls";
import type { TlsOptions } from "@nerves-hub-ts/ports";

const contexts = new Map<string, WeakRef<SecureContext>>();
const forget = new FinalizationRegistry<string>((key) => {
  if (contexts.get(key)?.deref() === undefined) contexts.delete(key);
});

/**
 * The SecureContext for the material in `tls` (CAs, client certificate and key or engine key,
 * protocol versions), made once per distinct material. Connection options (`servername`,
 * `rejectUnauthorized`) are not part of it. Throws like `tls.createSecureContext` for bad material.
 */
export function sharedSecureContext(tls: TlsOptions): SecureContext {
  const material = {
    ca: tls.ca,
    cert: tls.cert,
    key: tls.key,
    privateKeyEngine: tls.privateKeyEngine,
    privateKeyIdentifier: tls.privateKeyIdentifier,
    minVersion: tls.minVersion,
    maxVersion: tls.maxVersion,
  };
  // The PEM text itself is the key: equal material from different objects still shares a context.
  const key = JSON.stringify(material);
  const cached = contexts.get(key)?.deref();
  if (cached) return cached;
  const context = createSecureContext(withoutUndefined(material) as SecureContextOptions);
  contexts.set(key, new WeakRef(context));
  forget.register(context, key);
  return context;
}

function withoutUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
