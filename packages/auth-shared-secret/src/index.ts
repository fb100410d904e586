export { type SharedSecretIdentityConfig, sharedSecretIdentity } from "./identity.js";
