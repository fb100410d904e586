export { BinaryKind, type BinarySender, decodeBinaryFrame, encodeBinaryFrame } from "./binary-frame.js";
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
export {
  type Frame,
  HEARTBEAT_TOPIC,
  isReplyPayload,
  PhxEvent,
  type ReplyPayload,
  replyFrame,
} from "./frame.js";
export {
  CONSOLE_VERSION,
  consoleJoinParams,
  DEVICE_API_VERSION,
  type DeviceJoinInput,
  deviceJoinParams,
  extensionsJoinParams,
  REQUIRED_FIRMWARE_KEYS,
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
export { err, ok, type Result } from "./result.js";
export {
  jsonSerializer,
  msgpackSerializer,
  type Serializer,
  serializerForVsn,
  type WireData,
} from "./serializer.js";
export {
  EXTENSION_NAMES,
  EXTENSION_VERSION,
  type ExtensionName,
  NETWORK_IDENTITY_SERVICES,
  PROGRESS_STAGES,
  type ProgressStage,
  Topic,
  type TopicName,
  UPDATE_STATUSES,
  type UpdateStatus,
} from "./topics.js";
