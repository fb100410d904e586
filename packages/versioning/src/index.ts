export { type DeviceFeature, extensionVersionAccepted, supports } from "./features.js";
