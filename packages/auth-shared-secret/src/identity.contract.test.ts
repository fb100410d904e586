import { identityContract } from "@nerves-hub-ts/port-contracts";
import { sharedSecretIdentity } from "./identity.js";

const STARTED = Date.now();
const settings = {
  productKey: "nhp_contract",
  productSecret: "contract-secret-0123456789abcdefghijklmnopq",
  identifier: "dev-contract",
  // A stopped clock: two signatures made a second apart would differ, and the contract compares them.
  clock: { now: () => STARTED },
};

identityContract("sharedSecretIdentity", async () => ({
  identity: sharedSecretIdentity(settings),
  invalid: () => sharedSecretIdentity({ ...settings, productSecret: "" }),
}));
