import { EventEmitter } from "node:events";

/** Fields every hub event carries. */
interface Base {
  /** Milliseconds since the epoch, from the hub's clock. */
  at: number;
}

/** A device report on one of its topics. `type` names the common ones; anything else is `message`. */
export interface DeviceReportEvent extends Base {
  type:
    | "status_update"
    | "progress"
    | "firmware_validated"
    | "network_interface"
    | "connection_types"
    | "rebooting"
    | "script_result"
    | "console_up"
    | "console_file"
    | "health_report"
    | "location"
    | "network_identity"
    | "log"
    | "local_shell"
    | "extension_attached"
    | "extension_detached"
    | "extension_error"
    | "message";
  identifier: string;
  topic: string;
  event: string;
  payload: unknown;
}

/** Everything the hub reports. Subscribe with `hub.on("event", …)`, `hub.events()` or `GET /api/events`. */
export type HubEvent =
  | DeviceReportEvent
  | (Base & { type: "connected"; identifier: string; auth: "certificate" | "shared_secret"; vsn: string })
  | (Base & { type: "disconnected"; identifier: string; code: number })
  | (Base & { type: "rejected"; status: number; reason: string; identifier?: string })
  | (Base & { type: "device_registered"; identifier: string; via: "jitp" | "product_key" })
  | (Base & { type: "joined"; identifier: string; topic: string; params: unknown })
  | (Base & { type: "left"; identifier: string; topic: string })
  | (Base & { type: "channel_crash"; identifier: string; topic: string; reason: string })
  | (Base & { type: "violation"; identifier: string; topic: string; event: string; reason: string })
  | (Base & { type: "update_completed"; identifier: string; fromUuid: string | null; toUuid: string })
  | (Base & { type: "pushed"; identifier: string; topic: string; event: string; payload: unknown })
  | (Base & {
      type: "firmware_download";
      identifier: string | null;
      firmwareUuid: string;
      range: string | null;
      fault: string | null;
    });

export type HubEventType = HubEvent["type"];

/** Events an `events()` iterator may fall behind by: a consumer that stopped pulling must not grow the hub. */
export const MAX_QUEUED_EVENTS = 100_000;

/** An `events()` consumer fell so far behind that the hub stopped queueing events for it. */
export class HubEventsOverflowError extends Error {
  override readonly name = "HubEventsOverflowError";
}

/** Fan-out of hub events with an async-iterator view. */
export class HubEvents {
  readonly #emitter = new EventEmitter();

  constructor() {
    // Tests and SSE clients may each subscribe; the default cap of 10 would warn spuriously.
    this.#emitter.setMaxListeners(0);
  }

  emit(event: HubEvent): void {
    this.#emitter.emit("event", event);
  }

  on(listener: (event: HubEvent) => void): () => void {
    this.#emitter.on("event", listener);
    return () => this.#emitter.off("event", listener);
  }

  /** Resolves with the first event matching `predicate`; rejects after `timeoutMs`. */
  waitFor<E extends HubEvent = HubEvent>(
    predicate: (event: HubEvent) => boolean,
    timeoutMs = 5000,
  ): Promise<E> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`no matching hub event within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = this.on((event) => {
        if (!predicate(event)) return;
        clearTimeout(timer);
        off();
        resolve(event as E);
      });
    });
  }

  /**
   * Every event from now on, until the iterator is returned (e.g. `break` in `for await`). A
   * consumer that falls `maxQueued` events behind gets the queued ones, then HubEventsOverflowError.
   */
  iterate(signal?: AbortSignal, maxQueued = MAX_QUEUED_EVENTS): AsyncIterableIterator<HubEvent> {
    let queue: HubEvent[] = [];
    let head = 0;
    let wake: (() => void) | undefined;
    let done = false;
    let overflow: HubEventsOverflowError | undefined;
    const finish = () => {
      done = true;
      off();
      wake?.();
    };
    const off = this.on((event) => {
      if (queue.length - head >= maxQueued) {
        overflow = new HubEventsOverflowError(
          `the events() consumer fell ${maxQueued} events behind; the hub stopped queueing for it`,
        );
        finish();
        return;
      }
      queue.push(event);
      wake?.();
    });
    signal?.addEventListener("abort", finish, { once: true });
    const iterator: AsyncIterableIterator<HubEvent> = {
      async next() {
        while (head === queue.length && !done) await new Promise<void>((r) => (wake = r));
        wake = undefined;
        if (head < queue.length) {
          const value = queue[head++] as HubEvent;
          if (head === queue.length) {
            queue = [];
            head = 0;
          }
          return { value, done: false };
        }
        if (overflow) {
          const error = overflow;
          overflow = undefined;
          throw error;
        }
        return { value: undefined, done: true };
      },
      async return() {
        finish();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }
}
