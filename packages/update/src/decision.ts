// The Client's answer to an offered update, checked before anything acts on it. nerves_hub_link
// applies the update when the hook crashes or answers nonsense (device-client.md §11.13); we do
// the opposite: only an explicit, well-formed `apply` applies firmware.
import { isRecord, type ServerPayload } from "@nerves-hub-ts/protocol";

/** An offered update: the `update` payload with a firmware URL. */
export type Offer = Extract<ServerPayload<"device", "update">, { firmware_url: string }>;

/** What to do with an offered update (same shape as the link's `UpdateDecision`). */
export type Decision =
  | { action: "apply" }
  | { action: "ignore"; reason?: string }
  | { action: "reschedule"; delayMs: number; reason?: string };

export type CheckedDecision = { ok: true; decision: Decision } | { ok: false; problem: string };

function optionalReason(v: Record<string, unknown>): string | undefined | false {
  if (v.reason === undefined) return undefined;
  return typeof v.reason === "string" ? v.reason : false;
}

/** Validates whatever the decision hook returned; the delay is rounded to whole milliseconds. */
export function checkDecision(value: unknown): CheckedDecision {
  if (!isRecord(value)) return { ok: false, problem: "the decision is not an object" };
  const reason = optionalReason(value);
  if (reason === false) return { ok: false, problem: "reason must be a string" };
  const withReason = (d: Exclude<Decision, { action: "apply" }>): CheckedDecision => ({
    ok: true,
    decision: reason === undefined ? d : { ...d, reason },
  });
  switch (value.action) {
    case "apply":
      return { ok: true, decision: { action: "apply" } };
    case "ignore":
      return withReason({ action: "ignore" });
    case "reschedule": {
      const ms = value.delayMs;
      if (typeof ms !== "number" || !Number.isFinite(ms) || Math.round(ms) < 1)
        return { ok: false, problem: "delayMs must be a positive number of milliseconds" };
      if (Math.round(ms) > Number.MAX_SAFE_INTEGER) return { ok: false, problem: "delayMs is too large" };
      return withReason({ action: "reschedule", delayMs: Math.round(ms) });
    }
    default:
      return { ok: false, problem: `unknown action ${JSON.stringify(value.action) ?? "undefined"}` };
  }
}

/** The decision when the application gives no hook: skip the firmware already running, apply others. */
export function defaultDecision(offer: Offer, runningUuid: string | null | undefined): Decision {
  const uuid = offer.firmware_meta.uuid;
  return uuid !== undefined && uuid === runningUuid ? { action: "ignore" } : { action: "apply" };
}
