// Typed messages for the three topics, and decoders that turn (topic, event, payload) into them.
import type { Decoded, Decoder } from "./decode.js";
import { deviceEvents, extensionLifecycle } from "./device-events.js";
import { PayloadError } from "./errors.js";
import { err, ok, type Result } from "./result.js";
import { serverEvents } from "./server-events.js";

type Catalog = Record<string, Record<string, Decoder<unknown>>>;
type MessagesOf<C> = {
  [T in keyof C]: {
    [E in keyof C[T]]: { kind: "known"; topic: T; event: E; payload: Decoded<C[T][E]> };
  }[keyof C[T]];
}[keyof C];

type ServerCatalog = typeof serverEvents;
type DeviceCatalog = typeof deviceEvents;

/** Payload type of a server-to-device event, e.g. `ServerPayload<"device", "update">`. */
export type ServerPayload<T extends keyof ServerCatalog, E extends keyof ServerCatalog[T]> = Decoded<
  ServerCatalog[T][E]
>;
/** Payload type of a device-to-server event, e.g. `DevicePayload<"device", "status_update">`. */
export type DevicePayload<T extends keyof DeviceCatalog, E extends keyof DeviceCatalog[T]> = Decoded<
  DeviceCatalog[T][E]
>;

/** An event this catalog does not know. It is kept, not dropped, so callers can log it. */
export interface UnknownMessage {
  kind: "unknown";
  topic: string;
  event: string;
  payload: unknown;
}

/** `<extension>:attached|detached|error` from the device. */
export interface ExtensionLifecycleMessage {
  kind: "lifecycle";
  topic: "extensions";
  event: string;
  extension: string;
  action: keyof typeof extensionLifecycle;
  payload: { reason?: string };
}

export type ServerMessage = MessagesOf<ServerCatalog>;
export type DeviceMessage = MessagesOf<DeviceCatalog> | ExtensionLifecycleMessage;

function lookup(catalog: Catalog, topic: string, event: string): Decoder<unknown> | undefined {
  const events = Object.hasOwn(catalog, topic) ? catalog[topic] : undefined;
  return events && Object.hasOwn(events, event) ? events[event] : undefined;
}

function decodeWith<M>(
  decoder: Decoder<unknown>,
  topic: string,
  event: string,
  payload: unknown,
): Result<M, PayloadError> {
  const r = decoder(payload, "");
  if (!r.ok) return err(new PayloadError(r.error.field, r.error.expected, topic, event));
  return ok({ kind: "known", topic, event, payload: r.value } as M);
}

/** Decodes a server-to-device message. Unknown events give an UnknownMessage; never throws. */
export function decodeServerMessage(
  topic: string,
  event: string,
  payload: unknown,
): Result<ServerMessage | UnknownMessage, PayloadError> {
  const decoder = lookup(serverEvents as Catalog, topic, event);
  if (!decoder) return ok({ kind: "unknown", topic, event, payload });
  return decodeWith<ServerMessage>(decoder, topic, event, payload);
}

/** Decodes a device-to-server message (what the hub validates). Never throws. */
export function decodeDeviceMessage(
  topic: string,
  event: string,
  payload: unknown,
): Result<DeviceMessage | UnknownMessage, PayloadError> {
  const decoder = lookup(deviceEvents as Catalog, topic, event);
  if (decoder) return decodeWith<DeviceMessage>(decoder, topic, event, payload);
  const m = topic === "extensions" ? /^([^:]+):(attached|detached|error)$/.exec(event) : null;
  if (m) {
    const action = m[2] as keyof typeof extensionLifecycle;
    const r = extensionLifecycle[action](payload, "");
    if (!r.ok) return err(new PayloadError(r.error.field, r.error.expected, topic, event));
    return ok({
      kind: "lifecycle",
      topic: "extensions",
      event,
      extension: m[1] as string,
      action,
      payload: r.value,
    });
  }
  return ok({ kind: "unknown", topic, event, payload });
}

/** Splits an extension event at its first colon: `geo:location:request` -> `["geo", "location:request"]`. */
export function splitExtensionEvent(event: string): [string, string] | undefined {
  const i = event.indexOf(":");
  return i > 0 ? [event.slice(0, i), event.slice(i + 1)] : undefined;
}
