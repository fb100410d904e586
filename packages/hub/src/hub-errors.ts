// Errors the hub's operator calls throw, in a module of their own so every part can import them.

/** A script run the hub could not complete. */
export class HubScriptError extends Error {
  override readonly name = "HubScriptError";
  constructor(
    readonly reason: "not_connected" | "incompatible_version" | "timeout",
    message: string,
  ) {
    super(message);
  }
}

/** An operator call named a device the hub does not know or that is offline. */
export class HubDeviceError extends Error {
  override readonly name = "HubDeviceError";
}
