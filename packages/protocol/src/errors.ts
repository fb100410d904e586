/** Why a websocket frame could not be turned into a Phoenix frame. */
export type FrameErrorCode =
  | "bad_json"
  | "bad_msgpack"
  | "not_array"
  | "wrong_arity"
  | "bad_field"
  | "unexpected_frame_type"
  | "bad_binary_frame";

/** A frame that could not be decoded. `field` names the element at fault when there is one. */
export class FrameError extends Error {
  override readonly name = "FrameError";
  constructor(
    readonly code: FrameErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** A payload whose shape does not match the catalog: `field` is a path such as `firmware_meta.uuid`. */
export class PayloadError extends Error {
  override readonly name = "PayloadError";
  constructor(
    readonly field: string,
    readonly expected: string,
    readonly topic: string,
    readonly event: string,
  ) {
    super(`${topic}/${event}: field "${field}" should be ${expected}`);
  }
}
