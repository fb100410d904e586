// Reference vectors for packages that test shared-secret signing: `@nerves-hub-ts/nh1-token/testing`.
export {
  HUB_EXAMPLE,
  NHP_TEST,
  OBSERVED_A,
  OBSERVED_B,
  VECTORS,
  type Vector,
} from "./test-support/vectors.js";
