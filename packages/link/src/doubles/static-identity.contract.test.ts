import { identityContract } from "@nerves-hub-ts/port-contracts";
import { IdentityError } from "@nerves-hub-ts/ports";
import { StaticIdentity } from "./static-identity.js";

const CERT = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
const KEY = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n";

identityContract("StaticIdentity", async () => ({
  identity: new StaticIdentity({ path: "/socket/websocket", headers: {}, tls: { cert: CERT, key: KEY } }),
  invalid: () => {
    const identity = new StaticIdentity();
    identity.failNext = new IdentityError("bad_pem", "the certificate is not PEM");
    return identity;
  },
}));
