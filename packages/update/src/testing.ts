// Test support for packages that check update outcomes: `@nerves-hub-ts/update/testing`.
export { failureReason } from "./failure.js";
