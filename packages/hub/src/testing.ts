// The test kit of the repository, `@nerves-hub-ts/hub/testing`: one way to start a test hub and one
// firmware fixture, for every package's tests.

export {
  firmwareBytes,
  sha256Hex,
  type TestFirmware,
  type TestFirmwareOptions,
  testFirmware,
} from "./test-kit/test-firmware.js";
export {
  type FirmwareFixture,
  type ProductKey,
  startTestHub,
  TEST_PRODUCT_KEY,
  TEST_PRODUCT_SECRET,
  type TestHub,
  type TestHubOptions,
  type TestPki,
  type TlsTestHub,
  testPki,
} from "./test-kit/test-hub.js";
