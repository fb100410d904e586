import { isRecord } from "@nerves-hub-ts/protocol";
import { HubFirmwareError } from "./store.js";

/**
 * A misbehaviour of the firmware server, for testing downloaders. Fields combine; `once` removes
 * the whole fault after the first download it affects.
 */
export interface FirmwareFault {
  /** Send the headers of a full answer, then only this many body bytes, then drop the connection. */
  cutAfterBytes?: number;
  /** Answer the first request with this 5xx status (then the fault is gone). */
  status5xxOnce?: number;
  /** Answer every request with this status and an empty body (e.g. 404). */
  status?: number;
  /** Throttle the body to this rate. */
  bytesPerSecond?: number;
  /** On a Range request, answer 206 with a Content-Range one byte off from the bytes sent. */
  wrongContentRange?: boolean;
  /** Flip every bit of the byte at this absolute offset of the file. */
  corruptByteAt?: number;
  /** Answer Range requests with 200 and the whole file. */
  ignoreRange?: boolean;
  once?: boolean;
}

const COUNTS = ["cutAfterBytes", "bytesPerSecond", "corruptByteAt"] as const;
const FLAGS = ["wrongContentRange", "ignoreRange", "once"] as const;

/** Checks a fault from an untrusted caller (the HTTP API); throws HubFirmwareError naming the field. */
export function checkFault(fault: unknown): FirmwareFault {
  if (!isRecord(fault)) throw new HubFirmwareError("a fault must be an object");
  const f = fault;
  for (const key of Object.keys(f)) {
    if (![...COUNTS, ...FLAGS, "status", "status5xxOnce"].includes(key))
      throw new HubFirmwareError(`unknown fault field ${key}`);
  }
  for (const key of COUNTS) {
    const v = f[key];
    if (
      v !== undefined &&
      !(Number.isSafeInteger(v) && (v as number) >= (key === "bytesPerSecond" ? 1 : 0))
    ) {
      throw new HubFirmwareError(
        `${key} must be a non-negative integer${key === "bytesPerSecond" ? " above 0" : ""}`,
      );
    }
  }
  for (const key of FLAGS) {
    if (f[key] !== undefined && typeof f[key] !== "boolean")
      throw new HubFirmwareError(`${key} must be a boolean`);
  }
  const s = f.status;
  if (s !== undefined && !(Number.isInteger(s) && (s as number) >= 200 && (s as number) <= 599)) {
    throw new HubFirmwareError("status must be an HTTP status 200..599");
  }
  const s5 = f.status5xxOnce;
  if (s5 !== undefined && !(Number.isInteger(s5) && (s5 as number) >= 500 && (s5 as number) <= 599)) {
    throw new HubFirmwareError("status5xxOnce must be 500..599");
  }
  return f as FirmwareFault;
}

/** Which downloads a fault applies to: one device's, one firmware's, or both at once. */
export interface FaultTarget {
  identifier?: string;
  firmwareUuid?: string;
}

interface Entry {
  id: number;
  target: FaultTarget;
  fault: FirmwareFault;
}

/** Active faults, matched most-recent first. */
export class FaultTable {
  #entries: Entry[] = [];
  #nextId = 1;

  add(target: FaultTarget, fault: FirmwareFault): () => void {
    checkFault(fault);
    const id = this.#nextId++;
    this.#entries.unshift({ id, target, fault: { ...fault } });
    return () => this.#remove(id);
  }

  clear(): void {
    this.#entries = [];
  }

  /** The fault for this download; a one-shot fault is consumed by this call. */
  take(identifier: string | null, firmwareUuid: string): FirmwareFault | undefined {
    const entry = this.#entries.find(
      ({ target }) =>
        (target.identifier === undefined || target.identifier === identifier) &&
        (target.firmwareUuid === undefined || target.firmwareUuid === firmwareUuid),
    );
    if (!entry) return undefined;
    const fault = { ...entry.fault };
    if (fault.once) this.#remove(entry.id);
    else if (fault.status5xxOnce !== undefined) {
      // The 5xx is spent; any other behaviour in the same fault stays.
      delete entry.fault.status5xxOnce;
      if (Object.keys(entry.fault).length === 0) this.#remove(entry.id);
    }
    return fault;
  }

  #remove(id: number): void {
    this.#entries = this.#entries.filter((e) => e.id !== id);
  }
}
