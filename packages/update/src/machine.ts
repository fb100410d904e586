// The firmware update lifecycle as a pure state machine: `step(state, input)` returns the next
// state and the commands to carry out (pushes, the decision, the install itself). It never performs
// I/O and never reads the clock; time arrives inside inputs. See device-client.md §4.3–§4.8.
//
// Every asynchronous input (decision, progress, result) carries the `attempt` it belongs to. A
// stale one, e.g. a decision that arrives after `stop`, is refused like any other input the
// current state does not expect: the state is returned unchanged, with no commands.
import { deviceTopic, type Outgoing, type ProgressStage, type ServerPayload } from "@nerves-hub-ts/protocol";
import { checkDecision, type Decision, type Offer } from "./decision.js";
import { Failure, failureReason, type UpdateFailure } from "./failure.js";
import { type ProgressThrottle, throttleProgress } from "./progress-throttle.js";
import { usablePublicKeys } from "./public-keys.js";

/** The result of one install attempt. */
export type UpdateOutcome = { ok: true } | { ok: false; failure: UpdateFailure };

/** What observers are told (the same shape as the link's `UpdateEvent`). */
export type UpdateNotice =
  | { type: "received"; uuid: string | null; version: string | null }
  | { type: "decision"; action: "apply" | "ignore" | "reschedule"; reason?: string }
  | { type: "progress"; stage: ProgressStage; percent: number }
  | { type: "installed"; uuid: string | null }
  | { type: "failed"; reason: string }
  | { type: "reboot-pending" };

interface Common {
  /** Numbers each offer handled; inputs for another attempt are stale. */
  readonly attempt: number;
  /** Signing keys as configured or last received (`fwup_public_keys`). */
  readonly keys: readonly string[];
  /** Refuse updates while no usable signing key is known (nerves_hub_link's behaviour). */
  readonly requireSignedFirmware: boolean;
  /** `delay_for` reported when the decision hook fails, answers nonsense or misses its deadline. */
  readonly rescheduleMs: number;
}

export type UpdateState = Common &
  (
    | { readonly phase: "idle" }
    /** Waiting for the Client's decision. */
    | { readonly phase: "deciding"; readonly offer: Offer }
    /** The strategy is downloading and installing. */
    | { readonly phase: "updating"; readonly offer: Offer; readonly throttle: ProgressThrottle }
  );

export type UpdateInput =
  /** An `update` message from the hub (including `update_available: false`). */
  | { type: "offer"; payload: ServerPayload<"device", "update"> }
  /** `fwup_public_keys` from the hub; a list without a usable key never replaces the keys. */
  | { type: "keys"; keys: readonly string[] }
  /** The decision hook answered (anything it returned; it is validated here). */
  | { type: "decided"; attempt: number; decision: unknown }
  /** The decision hook threw, rejected or missed its deadline. */
  | { type: "decision-failed"; attempt: number; error: string }
  /** The downloader opened an HTTP connection. */
  | { type: "connection-opened"; attempt: number; networkInterface: string | null }
  | { type: "progress"; attempt: number; stage: ProgressStage; percent: number; at: number }
  | { type: "finished"; attempt: number; outcome: UpdateOutcome }
  /** The agent is shutting down. */
  | { type: "stop" };

export type UpdateCommand =
  | { type: "push"; message: Outgoing }
  /** Ask the Client's decision hook (with a deadline) and answer with `decided`/`decision-failed`. */
  | { type: "ask-client"; attempt: number; offer: Offer }
  | { type: "start-update"; attempt: number; offer: Offer; publicKeys: string[] }
  | { type: "cancel-update" }
  /** Set / clear `NervesHubLink.UpdateInProgress`. */
  | { type: "set-alarm" }
  | { type: "clear-alarm" }
  | { type: "notify"; notice: UpdateNotice }
  | { type: "reboot" };

export interface Step {
  state: UpdateState;
  commands: UpdateCommand[];
}

export const REFUSED_UNSIGNED_REASON = "Refusing unverified firmware : no public keys available";

/** The default `delay_for` after a failed decision: 5 minutes, nerves_hub_link's shortest reschedule. */
export const DEFAULT_RESCHEDULE_MS = 300_000;

export function initialState(
  options: { publicKeys?: readonly string[]; requireSignedFirmware?: boolean; rescheduleMs?: number } = {},
): UpdateState {
  return {
    phase: "idle",
    attempt: 0,
    keys: options.publicKeys ?? [],
    requireSignedFirmware: options.requireSignedFirmware ?? true,
    rescheduleMs: options.rescheduleMs ?? DEFAULT_RESCHEDULE_MS,
  };
}

/** True when no usable signing key is known (the join then asks the hub for keys). */
export function needsPublicKeys(state: UpdateState): boolean {
  return usablePublicKeys(state.keys).length === 0;
}

/** The join param `currently_downloading_uuid`: the firmware being installed, else null. */
export function currentlyDownloadingUuid(state: UpdateState): string | null {
  return state.phase === "updating" ? (state.offer.firmware_meta.uuid ?? null) : null;
}

export function status(state: UpdateState): "idle" | "updating" {
  return state.phase === "updating" ? "updating" : "idle";
}

const unchanged = (state: UpdateState): Step => ({ state, commands: [] });
const push = (message: Outgoing): UpdateCommand => ({ type: "push", message });
const notify = (notice: UpdateNotice): UpdateCommand => ({ type: "notify", notice });

function common(state: UpdateState): Common {
  const { attempt, keys, requireSignedFirmware, rescheduleMs } = state;
  return { attempt, keys, requireSignedFirmware, rescheduleMs };
}

function idle(state: UpdateState, attempt = state.attempt): UpdateState {
  return { ...common(state), attempt, phase: "idle" };
}

/** Takes an offer while idle: refuse it, or report `received` and ask the Client. */
function accept(state: UpdateState, offer: Offer): Step {
  if (state.requireSignedFirmware && needsPublicKeys(state)) return refuse(state, REFUSED_UNSIGNED_REASON);
  // No file has a negative, fractional or unrepresentable size: the download could only go wrong.
  const size = offer.size;
  if (size !== undefined && !(Number.isSafeInteger(size) && size >= 0))
    return refuse(state, failureReason(Failure.update(["invalid_size", size])));
  return ask(state, offer);
}

function refuse(state: UpdateState, reason: string): Step {
  return {
    state: idle(state),
    commands: [push(deviceTopic.failed(reason)), notify({ type: "failed", reason })],
  };
}

function ask(state: UpdateState, offer: Offer): Step {
  const attempt = state.attempt + 1;
  const meta = offer.firmware_meta;
  return {
    state: { ...common(state), attempt, phase: "deciding", offer },
    commands: [
      push(deviceTopic.received()),
      notify({ type: "received", uuid: meta.uuid ?? null, version: meta.version ?? null }),
      { type: "ask-client", attempt, offer },
    ],
  };
}

function decide(state: UpdateState & { phase: "deciding" }, decision: Decision): Step {
  switch (decision.action) {
    case "apply":
      return {
        state: { ...common(state), phase: "updating", offer: state.offer, throttle: {} },
        commands: [
          {
            type: "start-update",
            attempt: state.attempt,
            offer: state.offer,
            publicKeys: usablePublicKeys(state.keys),
          },
          { type: "set-alarm" },
          notify({ type: "decision", action: "apply" }),
        ],
      };
    case "ignore": {
      const reason = decision.reason ?? "";
      return {
        state: idle(state),
        commands: [push(deviceTopic.ignored(reason)), notify({ type: "decision", action: "ignore", reason })],
      };
    }
    case "reschedule":
      return reschedule(state, decision.delayMs, decision.reason);
  }
}

/**
 * Reports `rescheduled` and waits for the hub: it has dropped its in-flight update and offers the
 * firmware again after `delay_for` by itself (a new offer is decided afresh). Asking the Client
 * again locally would start an update the hub has no record of.
 */
function reschedule(state: UpdateState, delayMs: number, reason?: string): Step {
  return {
    state: idle(state),
    commands: [
      push(deviceTopic.rescheduled(delayMs, reason)),
      notify(
        reason === undefined
          ? { type: "decision", action: "reschedule" }
          : { type: "decision", action: "reschedule", reason },
      ),
    ],
  };
}

/**
 * No usable decision: never apply, and report `rescheduled` rather than `ignored`, which would put
 * a device in a deployment group into the hub's penalty box over a local fault.
 */
function undecided(state: UpdateState, why: string): Step {
  return reschedule(state, state.rescheduleMs, `Update rescheduled : ${why}`);
}

function finish(state: UpdateState & { phase: "updating" }, outcome: UpdateOutcome): Step {
  if (outcome.ok) {
    return {
      state: idle(state),
      commands: [
        push(deviceTopic.fwupProgress("updating", 100)),
        push(deviceTopic.completed()),
        { type: "clear-alarm" },
        notify({ type: "installed", uuid: state.offer.firmware_meta.uuid ?? null }),
        notify({ type: "reboot-pending" }),
        { type: "reboot" },
      ],
    };
  }
  const reason = failureReason(outcome.failure);
  return {
    state: idle(state),
    commands: [push(deviceTopic.failed(reason)), { type: "clear-alarm" }, notify({ type: "failed", reason })],
  };
}

function progress(
  state: UpdateState & { phase: "updating" },
  stage: ProgressStage,
  percent: number,
  at: number,
): Step {
  const verdict = throttleProgress(state.throttle, stage, percent, at);
  if (!verdict.send) return unchanged(state);
  return {
    state: { ...state, throttle: verdict.throttle },
    commands: [
      push(deviceTopic.fwupProgress(stage, verdict.value)),
      notify({ type: "progress", stage, percent: verdict.value }),
    ],
  };
}

function stop(state: UpdateState): Step {
  switch (state.phase) {
    case "idle":
      return unchanged(state);
    case "deciding":
      return { state: idle(state, state.attempt + 1), commands: [] };
    case "updating":
      return {
        state: idle(state, state.attempt + 1),
        commands: [{ type: "cancel-update" }, { type: "clear-alarm" }],
      };
  }
}

/** Computes the next state and the commands for one input. */
export function step(state: UpdateState, input: UpdateInput): Step {
  if (input.type === "keys") {
    // Only usable keys count: like an empty list, a malformed one never leaves the device keyless.
    const keys = usablePublicKeys(input.keys);
    return keys.length === 0 ? unchanged(state) : { state: { ...state, keys }, commands: [] };
  }
  if (input.type === "stop") return stop(state);
  if (input.type === "offer") {
    const payload = input.payload;
    // `update_available: false` is the orchestrator saying "nothing to do" (hub-server.md §4.1).
    if (!("firmware_url" in payload)) return unchanged(state);
    if (state.phase === "idle") return accept(state, payload);
    // An update is being decided or installed: a new offer is dropped silently, as upstream does.
    return unchanged(state);
  }
  if (input.attempt !== state.attempt) return unchanged(state);
  switch (input.type) {
    case "decided": {
      if (state.phase !== "deciding") return unchanged(state);
      const checked = checkDecision(input.decision);
      return checked.ok
        ? decide(state, checked.decision)
        : undecided(state, `invalid decision (${checked.problem})`);
    }
    case "decision-failed":
      return state.phase === "deciding"
        ? undecided(state, `decision failed (${input.error})`)
        : unchanged(state);
    case "connection-opened":
      return state.phase === "updating"
        ? { state, commands: [push(deviceTopic.started(input.networkInterface))] }
        : unchanged(state);
    case "progress":
      return state.phase === "updating"
        ? progress(state, input.stage, input.percent, input.at)
        : unchanged(state);
    case "finished":
      return state.phase === "updating" ? finish(state, input.outcome) : unchanged(state);
  }
}
