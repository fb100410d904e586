// The UpdateHandler the DeviceLink routes `update` messages to. It runs the pure state machine
// from @nerves-hub-ts/update and carries out its commands through ports: the Client's decision
// (with a deadline), the Clock (decision deadline, progress timestamps), Alarms, the UpdateStrategy
// that downloads and installs, the link's Push, and a reboot callback.
//
// Reschedule: `delay_for` is sent in milliseconds (what the server reads), and nothing is re-asked
// locally: the hub offers the update again after the delay, as with nerves_hub_link. A decision
// hook that fails, answers nonsense or misses its deadline is reported `rescheduled` with
// `rescheduleMs`, never applied.

import type {
  Client,
  Clock,
  Push,
  TimerHandle,
  UpdateEvent,
  UpdateHandler,
  UpdateOffer,
  UpdateStrategy,
} from "@nerves-hub-ts/ports";
import { AlarmId, type Alarms, type Logger, silentLogger, timerDelayMs } from "@nerves-hub-ts/ports";
import type { ServerPayload } from "@nerves-hub-ts/protocol";
import {
  currentlyDownloadingUuid,
  defaultDecision,
  Failure,
  initialState,
  isUsablePublicKey,
  needsPublicKeys,
  status,
  step,
  type UpdateCommand,
  type UpdateInput,
  type UpdateOutcome,
  type UpdateState,
} from "@nerves-hub-ts/update";

/** The decision hook's default deadline; a hook that misses it does not apply the update. */
export const DEFAULT_DECISION_TIMEOUT_MS = 60_000;

export interface UpdateControllerOptions {
  /** Downloads, verifies and installs (streaming by default in firmware-fwup). */
  strategy: UpdateStrategy;
  /** The link's push on the `device` topic. */
  push: Push;
  clock: Clock;
  alarms?: Alarms;
  client?: Client;
  logger?: Logger;
  /** UUID of the running firmware; the default decision ignores an offer of the same firmware. */
  runningFirmwareUuid?: string | null;
  /** Configured fwup signing keys (base64 Ed25519). */
  publicKeys?: string[];
  /** Refuse updates while no usable key is known (default true, as nerves_hub_link). */
  requireSignedFirmware?: boolean;
  decisionTimeoutMs?: number;
  /** `delay_for` reported when the decision hook fails or answers nonsense; default 300000 (5 min). */
  rescheduleMs?: number;
  /** Reboots after a completed update; default `client.reboot`. */
  reboot?: () => void | Promise<void>;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class UpdateController implements UpdateHandler {
  #state: UpdateState;
  readonly #queue: UpdateInput[] = [];
  #dispatching = false;
  readonly #listeners = new Set<(event: UpdateEvent) => void>();
  #decisionTimer: TimerHandle | undefined;
  #running: { abort: AbortController; done: Promise<void> } | undefined;
  readonly #log: Logger;

  constructor(private readonly options: UpdateControllerOptions) {
    const rescheduleMs = options.rescheduleMs;
    if (rescheduleMs !== undefined && !(Number.isSafeInteger(rescheduleMs) && rescheduleMs > 0))
      throw new RangeError("rescheduleMs must be a positive whole number of milliseconds");
    this.#state = initialState({
      publicKeys: options.publicKeys ?? [],
      requireSignedFirmware: options.requireSignedFirmware ?? true,
      ...(options.rescheduleMs !== undefined ? { rescheduleMs: options.rescheduleMs } : {}),
    });
    this.#log = options.logger ?? silentLogger;
  }

  handleUpdate(payload: ServerPayload<"device", "update">): void {
    this.#dispatch({ type: "offer", payload });
  }

  setPublicKeys(keys: string[]): void {
    // Counts only: the keys are public, but logs stay small.
    const unusable = keys.filter((k) => !isUsablePublicKey(k)).length;
    if (keys.length === 0) this.#log.info("empty fwup key list received; keeping the current keys");
    else if (unusable === keys.length)
      this.#log.warn("fwup key list holds no base64 Ed25519 key; keeping the current keys", {
        received: keys.length,
      });
    else if (unusable > 0)
      this.#log.warn("fwup key list entries that are not base64 Ed25519 keys were dropped", {
        dropped: unusable,
        received: keys.length,
      });
    this.#dispatch({ type: "keys", keys });
  }

  needsPublicKeys(): boolean {
    return needsPublicKeys(this.#state);
  }

  currentlyDownloadingUuid(): string | null {
    return currentlyDownloadingUuid(this.#state);
  }

  status(): "idle" | "updating" {
    return status(this.#state);
  }

  subscribe(listener: (event: UpdateEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Cancels whatever runs and waits until the strategy has stopped (and kept its resume state). */
  async stop(): Promise<void> {
    this.#decisionTimer?.cancel();
    const running = this.#running;
    this.#dispatch({ type: "stop" });
    await running?.done;
  }

  #dispatch(input: UpdateInput): void {
    this.#queue.push(input);
    if (this.#dispatching) return;
    this.#dispatching = true;
    try {
      for (let next = this.#queue.shift(); next; next = this.#queue.shift()) {
        const { state, commands } = step(this.#state, next);
        this.#state = state;
        for (const command of commands) this.#execute(command);
      }
    } finally {
      this.#dispatching = false;
    }
  }

  #execute(c: UpdateCommand): void {
    switch (c.type) {
      case "push":
        if (!this.options.push(c.message))
          this.#log.debug("push dropped (device topic not joined)", { event: c.message.event });
        return;
      case "ask-client":
        this.#ask(c.attempt, c.offer);
        return;
      case "start-update":
        this.#start(c.attempt, c.offer, c.publicKeys);
        return;
      case "cancel-update":
        this.#running?.abort.abort();
        return;
      case "set-alarm":
        this.options.alarms?.set(AlarmId.updateInProgress);
        return;
      case "clear-alarm":
        this.options.alarms?.clear(AlarmId.updateInProgress);
        return;
      case "notify":
        for (const l of this.#listeners) {
          try {
            l(c.notice);
          } catch (e) {
            this.#log.warn("update listener threw", { error: message(e) });
          }
        }
        return;
      case "reboot":
        this.#reboot();
        return;
    }
  }

  #ask(attempt: number, offer: UpdateOffer): void {
    const { client, clock } = this.options;
    const timeoutMs = timerDelayMs(this.options.decisionTimeoutMs ?? DEFAULT_DECISION_TIMEOUT_MS);
    let settled = false;
    const settle = (input: UpdateInput) => {
      if (settled) return;
      settled = true;
      this.#decisionTimer?.cancel();
      this.#dispatch(input);
    };
    this.#decisionTimer = clock.setTimeout(
      () => settle({ type: "decision-failed", attempt, error: `no answer within ${timeoutMs} ms` }),
      timeoutMs,
    );
    const hook = client?.updateAvailable;
    // A throwing hook becomes a rejection, so it is reported rather than crashing the link.
    new Promise((resolve) =>
      resolve(hook ? hook.call(client, offer) : defaultDecision(offer, this.options.runningFirmwareUuid)),
    ).then(
      (decision) => settle({ type: "decided", attempt, decision }),
      (e: unknown) => {
        this.#log.warn("update decision hook failed", { error: message(e) });
        settle({ type: "decision-failed", attempt, error: message(e) });
      },
    );
  }

  #start(attempt: number, offer: UpdateOffer, publicKeys: string[]): void {
    const { strategy, clock, client } = this.options;
    const abort = new AbortController();
    const finish = (outcome: UpdateOutcome) => {
      if (this.#running?.abort === abort) this.#running = undefined;
      this.#dispatch({ type: "finished", attempt, outcome });
    };
    const done = Promise.resolve()
      .then(() =>
        strategy.run({
          offer,
          publicKeys,
          signal: abort.signal,
          onConnection: (info) =>
            this.#dispatch({ type: "connection-opened", attempt, networkInterface: info.networkInterface }),
          onProgress: (stage, percent) =>
            this.#dispatch({ type: "progress", attempt, stage, percent, at: clock.now() }),
          onFwupMessage: (m) => {
            try {
              client?.handleFwupMessage?.(m);
            } catch (e) {
              this.#log.warn("handleFwupMessage threw", { error: message(e) });
            }
          },
        }),
      )
      .catch((e: unknown): UpdateOutcome => ({ ok: false, failure: Failure.unexpected(message(e)) }))
      .then(finish);
    this.#running = { abort, done };
    this.#log.info("firmware update started", { uuid: offer.firmware_meta.uuid, strategy: strategy.name });
  }

  #reboot(): void {
    const reboot = this.options.reboot ?? this.options.client?.reboot?.bind(this.options.client);
    if (!reboot) {
      this.#log.warn("update complete but no reboot callback is configured");
      return;
    }
    Promise.resolve()
      .then(reboot)
      .catch((e: unknown) => this.#log.error("reboot failed", { error: message(e) }));
  }
}
