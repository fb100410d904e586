export type { BinarySender } from "./binary-frame.js";
export {
  absentOr,
  anyObject,
  array,
  bool,
  type Decoded,
  type Decoder,
  expecting,
  type FieldIssue,
  int,
  intRange,
  isRecord,
  nullable,
  num,
  type ObjectOf,
  object,
  oneOf,
  optional,
  record,
  refine,
  str,
  strictObject,
  union,
  unknownValue,
} from "./decode.js";
export {
  consoleTopic,
  deviceTopic,
  extensionsTopic,
  type NetworkIdentity,
  type Outgoing,
} from "./device-encoders.js";
export { FrameError, type FrameErrorCode, PayloadError } from "./errors.js";
export { type Frame, HEARTBEAT_TOPIC, PhxEvent, replyFrame } from "./frame.js";
export {
  consoleJoinParams,
  type DeviceJoinInput,
  deviceJoinParams,
  extensionsJoinParams,
} from "./join-params.js";
export {
  type DeviceMessage,
  type DevicePayload,
  decodeDeviceMessage,
  decodeServerMessage,
  type ExtensionLifecycleMessage,
  type ServerMessage,
  type ServerPayload,
  splitExtensionEvent,
  type UnknownMessage,
} from "./messages.js";
export type { Result } from "./result.js";
export {
  jsonSerializer,
  msgpackSerializer,
  type Serializer,
  serializerForVsn,
  type WireData,
} from "./serializer.js";
export {
  EXTENSION_NAMES,
  type ExtensionName,
  NETWORK_IDENTITY_SERVICES,
  type ProgressStage,
  UPDATE_STATUSES,
  type UpdateStatus,
} from "./topics.js";
