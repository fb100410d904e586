// What-if for `--shared-tls-context`: measure the fleet as if the websocket transport reused one TLS
// SecureContext per distinct CA list instead of building one per connection (Node does that for
// every tls.connect given `ca`). transport-ws has no option for it yet, so this bench-only switch
// wraps tls.connect; it only touches connections that carry a `ca` and no client certificate.
import tls, { type ConnectionOptions, type SecureContext } from "node:tls";

export function shareTlsContexts(): void {
  const contexts = new Map<string, SecureContext>();
  const connect = tls.connect;
  const patched = (...args: unknown[]) => {
    const options = args[0] as ConnectionOptions | undefined;
    if (
      options &&
      typeof options === "object" &&
      options.ca &&
      !options.cert &&
      !options.key &&
      !options.secureContext
    ) {
      const key = ([] as unknown[]).concat(options.ca).map(String).join("\n");
      let context = contexts.get(key);
      if (!context) {
        context = tls.createSecureContext({ ca: options.ca });
        contexts.set(key, context);
      }
      options.secureContext = context;
    }
    return (connect as (...a: unknown[]) => tls.TLSSocket)(...args);
  };
  tls.connect = patched as typeof tls.connect;
}
