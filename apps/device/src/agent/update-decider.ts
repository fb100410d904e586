// The update policy as the link's `updateAvailable` hook. `apply` behaves like nerves_hub_link's
// default client (install anything but the firmware already running); `ask` puts the question to
// the control socket's controller and falls back to the configured answer when nobody answers.
import type { Logger, UpdateDecision, UpdateOffer } from "@nerves-hub-ts/ports";
import { defaultDecision } from "@nerves-hub-ts/update";
import type { UpdatePolicy } from "../config/agent-config.js";
import type { ControlRoom } from "../control/control-room.js";
import type { UpdateAnswer } from "../control/protocol.js";

/** What the controller is told about an offer (the firmware URL is left out: its query is a credential). */
export function describeOffer(offer: UpdateOffer): Record<string, unknown> {
  const m = offer.firmware_meta;
  return {
    uuid: m.uuid ?? null,
    version: m.version ?? null,
    product: m.product ?? null,
    platform: m.platform ?? null,
    architecture: m.architecture ?? null,
    size: offer.size ?? null,
    checksum: offer.checksum ?? null,
  };
}

export function fallbackAnswer(policy: UpdatePolicy): UpdateAnswer {
  switch (policy.fallback) {
    case "apply":
      return { action: "apply" };
    case "ignore":
      return { action: "ignore", reason: "no answer from the device application" };
    case "reschedule":
      return { action: "reschedule", delay_ms: policy.rescheduleMs };
  }
}

export function toDecision(answer: UpdateAnswer, policy: UpdatePolicy): UpdateDecision {
  switch (answer.action) {
    case "apply":
      return { action: "apply" };
    case "ignore":
      return answer.reason !== undefined ? { action: "ignore", reason: answer.reason } : { action: "ignore" };
    case "reschedule": {
      const delayMs = answer.delay_ms ?? policy.rescheduleMs;
      return answer.reason !== undefined
        ? { action: "reschedule", delayMs, reason: answer.reason }
        : { action: "reschedule", delayMs };
    }
  }
}

export function updateDecider(
  policy: UpdatePolicy,
  room: Pick<ControlRoom, "ask">,
  runningUuid: () => string | undefined,
  log: Logger,
): (offer: UpdateOffer) => Promise<UpdateDecision> {
  return async (offer) => {
    const plain = defaultDecision(offer, runningUuid());
    if (policy.mode === "apply" || plain.action === "ignore") return plain;
    const settled = await room.ask(
      "update_available",
      { update: describeOffer(offer) },
      { timeoutMs: policy.decisionTimeoutMs, fallback: fallbackAnswer(policy) },
    );
    if (settled.by === "fallback") {
      log.info(`no decision from the device application (${settled.why}); using update_fallback`, {
        action: settled.answer.action,
      });
    }
    return toDecision(settled.answer, policy);
  };
}
