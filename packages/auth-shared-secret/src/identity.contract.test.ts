import { identityContract } from "@nerves-hub-ts/port-contracts";
import { sharedSecretIdentity } from "./identity.js";

const settings = {
  productKey: "nhp_contract",
  productSecret: "contract-secret-0123456789abcdefghijklmnopq",
  identifier: "dev-contract",
  clock: { now: () => Date.now() },
};

identityContract("sharedSecretIdentity", async () => ({
  identity: sharedSecretIdentity(settings),
  invalid: () => sharedSecretIdentity({ ...settings, productSecret: "" }),
}));
