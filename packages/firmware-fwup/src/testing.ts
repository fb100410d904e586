// Test support for packages that test firmware updates on real disks: `@nerves-hub-ts/firmware-fwup/testing`.
export { CACHE_FOLDER } from "./strategies/cache-files.js";
export { mountSmallFs, type SmallFs, smallFsUnavailable } from "./test-support/small-fs.js";
