import { deviceTopic, UPDATE_STATUSES } from "@nerves-hub-ts/protocol";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Failure } from "./failure.js";
import {
  currentlyDownloadingUuid,
  DEFAULT_RESCHEDULE_MS,
  initialState,
  needsPublicKeys,
  REFUSED_UNSIGNED_REASON,
  status,
  step,
  type UpdateCommand,
  type UpdateInput,
  type UpdateState,
} from "./machine.js";
import { KEY, offer } from "./test-support/offers.js";

const start = () => initialState({ publicKeys: [KEY] });

/** Runs inputs in order, returning the final state and every command. */
function run(inputs: UpdateInput[], state: UpdateState = start()) {
  const commands: UpdateCommand[] = [];
  for (const input of inputs) {
    const s = step(state, input);
    state = s.state;
    commands.push(...s.commands);
  }
  return { state, commands };
}

const pushes = (commands: UpdateCommand[]) =>
  commands.flatMap((c) => (c.type === "push" ? [[c.message.event, c.message.payload]] : []));

const OFFER = { type: "offer", payload: offer() } as const;

const states: Record<UpdateState["phase"], UpdateState> = {
  idle: start(),
  deciding: run([OFFER]).state,
  updating: run([OFFER, { type: "decided", attempt: 1, decision: { action: "apply" } }]).state,
};

describe("offers", () => {
  it("idle + offer: reports received and asks the Client", () => {
    const { state, commands } = step(start(), OFFER);
    expect(state).toMatchObject({ phase: "deciding", attempt: 1, offer: offer() });
    expect(commands).toEqual([
      { type: "push", message: deviceTopic.received() },
      { type: "notify", notice: { type: "received", uuid: "fw-2", version: "2.0.0" } },
      { type: "ask-client", attempt: 1, offer: offer() },
    ]);
  });

  it("update_available: false is a no-op in every state", () => {
    for (const s of Object.values(states)) {
      const r = step(s, { type: "offer", payload: { update_available: false } });
      expect(r.state).toBe(s);
      expect(r.commands).toEqual([]);
    }
  });

  it("refuses without usable signing keys: failed, no Client, no alarm", () => {
    const { state, commands } = step(initialState({ publicKeys: ["not-a-key"] }), OFFER);
    expect(state.phase).toBe("idle");
    expect(commands).toEqual([
      { type: "push", message: deviceTopic.failed(REFUSED_UNSIGNED_REASON) },
      { type: "notify", notice: { type: "failed", reason: REFUSED_UNSIGNED_REASON } },
    ]);
    expect(REFUSED_UNSIGNED_REASON).toBe("Refusing unverified firmware : no public keys available");
  });

  it("refuses an impossible size with a readable failed reason, without asking the Client", () => {
    for (const [size, shown] of [
      [-1, "-1"],
      [1.5, "1.5"],
      [2 ** 60, "1152921504606847000"],
    ] as const) {
      const { state, commands } = step(start(), { type: "offer", payload: offer("fw-2", { size }) });
      const reason = `Update failed : {:invalid_size, ${shown}}`;
      expect(state.phase).toBe("idle");
      expect(commands).toEqual([
        { type: "push", message: deviceTopic.failed(reason) },
        { type: "notify", notice: { type: "failed", reason } },
      ]);
    }
    expect(step(start(), { type: "offer", payload: offer("fw-2", { size: 0 }) }).state.phase).toBe(
      "deciding",
    );
  });

  it("accepts unsigned-capable offers when signing is not required", () => {
    const { state, commands } = run(
      [OFFER, { type: "decided", attempt: 1, decision: { action: "apply" } }],
      initialState({ requireSignedFirmware: false }),
    );
    expect(state.phase).toBe("updating");
    expect(commands).toContainEqual({ type: "start-update", attempt: 1, offer: offer(), publicKeys: [] });
  });

  it("drops a new offer silently while deciding or updating", () => {
    for (const s of [states.deciding, states.updating]) {
      const r = step(s, { type: "offer", payload: offer("other") });
      expect(r.state).toBe(s);
      expect(r.commands).toEqual([]);
    }
  });
});

describe("decisions", () => {
  it("apply: starts the update with the usable keys, sets the alarm", () => {
    const { state, commands } = step(states.deciding, {
      type: "decided",
      attempt: 1,
      decision: { action: "apply" },
    });
    expect(state.phase).toBe("updating");
    expect(commands).toEqual([
      { type: "start-update", attempt: 1, offer: offer(), publicKeys: [KEY] },
      { type: "set-alarm" },
      { type: "notify", notice: { type: "decision", action: "apply" } },
    ]);
    expect(status(state)).toBe("updating");
    expect(currentlyDownloadingUuid(state)).toBe("fw-2");
  });

  it("ignore: reports ignored with the reason, or an empty one", () => {
    const bare = step(states.deciding, { type: "decided", attempt: 1, decision: { action: "ignore" } });
    expect(bare.state.phase).toBe("idle");
    expect(pushes(bare.commands)).toEqual([["status_update", { status: "ignored", reason: "" }]]);
    const why = step(states.deciding, {
      type: "decided",
      attempt: 1,
      decision: { action: "ignore", reason: "busy" },
    });
    expect(pushes(why.commands)).toEqual([["status_update", { status: "ignored", reason: "busy" }]]);
  });

  it("reschedule: reports delay_for in milliseconds and waits for the hub to offer again", () => {
    const { state, commands } = step(states.deciding, {
      type: "decided",
      attempt: 1,
      decision: { action: "reschedule", delayMs: 900_000, reason: "at night" },
    });
    expect(state.phase).toBe("idle");
    expect(pushes(commands)).toEqual([
      ["status_update", { status: "rescheduled", delay_for: 900_000, reason: "at night" }],
    ]);
    expect(commands.map((c) => c.type)).toEqual(["push", "notify"]);
    expect(status(state)).toBe("idle");
    expect(currentlyDownloadingUuid(state)).toBeNull();
    // The hub's next offer, after the delay, is decided afresh.
    const again = step(state, { type: "offer", payload: offer() });
    expect(again.state).toMatchObject({ phase: "deciding", attempt: 2 });
    expect(again.commands).toContainEqual({ type: "ask-client", attempt: 2, offer: offer() });
  });

  it("reschedule without a reason sends no reason key", () => {
    const { commands } = step(states.deciding, {
      type: "decided",
      attempt: 1,
      decision: { action: "reschedule", delayMs: 5 },
    });
    expect(pushes(commands)).toEqual([["status_update", { status: "rescheduled", delay_for: 5 }]]);
  });

  it("an invalid decision never applies the update and is reported rescheduled, not ignored", () => {
    for (const decision of [
      undefined,
      "apply",
      { action: "apply!" },
      { action: "reschedule", delayMs: -1 },
    ]) {
      const { state, commands } = step(states.deciding, { type: "decided", attempt: 1, decision });
      expect(state.phase).toBe("idle");
      expect(commands.some((c) => c.type === "start-update")).toBe(false);
      const [[event, payload]] = pushes(commands) as [[string, Record<string, unknown>]];
      expect(event).toBe("status_update");
      expect(payload).toMatchObject({ status: "rescheduled", delay_for: DEFAULT_RESCHEDULE_MS });
      expect(payload.reason).toMatch(/^Update rescheduled : invalid decision/);
    }
  });

  it("a crashed or timed-out decision never applies the update and is reported rescheduled", () => {
    const state = run([OFFER], initialState({ publicKeys: [KEY], rescheduleMs: 60_000 })).state;
    const r = step(state, { type: "decision-failed", attempt: 1, error: "boom" });
    expect(r.state.phase).toBe("idle");
    expect(pushes(r.commands)).toEqual([
      [
        "status_update",
        { status: "rescheduled", delay_for: 60_000, reason: "Update rescheduled : decision failed (boom)" },
      ],
    ]);
  });
});

describe("while updating", () => {
  const u = states.updating;

  it("reports each connection as started", () => {
    const r = step(u, { type: "connection-opened", attempt: 1, networkInterface: "eth0" });
    expect(r.state).toBe(u);
    expect(pushes(r.commands)).toEqual([
      ["status_update", { status: "started", downloader_network_interface: "eth0" }],
    ]);
  });

  it("throttles progress pushes", () => {
    const { commands } = run(
      [
        { type: "progress", attempt: 1, stage: "downloading", percent: 0.2, at: 0 },
        { type: "progress", attempt: 1, stage: "downloading", percent: 10, at: 100 },
        { type: "progress", attempt: 1, stage: "downloading", percent: 20, at: 700 },
        { type: "progress", attempt: 1, stage: "downloading", percent: 100, at: 701 },
        { type: "progress", attempt: 1, stage: "updating", percent: 3, at: 702 },
      ],
      u,
    );
    expect(pushes(commands)).toEqual([
      ["fwup_progress", { stage: "downloading", value: 0 }],
      ["fwup_progress", { stage: "downloading", value: 20 }],
      ["fwup_progress", { stage: "downloading", value: 100 }],
      ["fwup_progress", { stage: "updating", value: 3 }],
    ]);
  });

  it("success: updating 100, completed, alarm cleared, reboot", () => {
    const { state, commands } = step(u, { type: "finished", attempt: 1, outcome: { ok: true } });
    expect(state.phase).toBe("idle");
    expect(commands).toEqual([
      { type: "push", message: deviceTopic.fwupProgress("updating", 100) },
      { type: "push", message: deviceTopic.completed() },
      { type: "clear-alarm" },
      { type: "notify", notice: { type: "installed", uuid: "fw-2" } },
      { type: "notify", notice: { type: "reboot-pending" } },
      { type: "reboot" },
    ]);
    expect(currentlyDownloadingUuid(state)).toBeNull();
  });

  it.each([
    [Failure.download(["http_error", 404]), "Download failed : {:http_error, 404}"],
    [Failure.fwup("Invalid signature"), 'FWUP error : "Invalid signature"'],
    [Failure.update("checksum_mismatch"), "Update failed : :checksum_mismatch"],
    [Failure.unexpected("fwup exited with status 2"), "Unexpected error : fwup exited with status 2"],
  ])("failure %j: failed with the upstream reason, alarm cleared, no reboot", (failure, reason) => {
    const { state, commands } = step(u, { type: "finished", attempt: 1, outcome: { ok: false, failure } });
    expect(state.phase).toBe("idle");
    expect(commands).toEqual([
      { type: "push", message: deviceTopic.failed(reason) },
      { type: "clear-alarm" },
      { type: "notify", notice: { type: "failed", reason } },
    ]);
  });
});

describe("stop", () => {
  it("cancels what is running and makes its late inputs stale", () => {
    expect(step(states.idle, { type: "stop" }).commands).toEqual([]);
    expect(step(states.deciding, { type: "stop" }).commands).toEqual([]);
    const stopped = step(states.updating, { type: "stop" });
    expect(stopped.commands).toEqual([{ type: "cancel-update" }, { type: "clear-alarm" }]);
    const late = step(stopped.state, { type: "finished", attempt: 1, outcome: { ok: true } });
    expect(late.commands).toEqual([]);
    const lateDecision = step(step(states.deciding, { type: "stop" }).state, {
      type: "decided",
      attempt: 1,
      decision: { action: "apply" },
    });
    expect(lateDecision.commands).toEqual([]);
  });
});

describe("keys", () => {
  it("replaces keys with a non-empty list and never clears them with an empty one", () => {
    const s = initialState();
    expect(needsPublicKeys(s)).toBe(true);
    const withKey = step(s, { type: "keys", keys: [KEY] }).state;
    expect(needsPublicKeys(withKey)).toBe(false);
    expect(step(withKey, { type: "keys", keys: [] }).state).toBe(withKey);
  });

  it("keeps the current keys when a list holds no usable key, and drops the unusable entries of one that does", () => {
    const withKey = step(initialState(), { type: "keys", keys: [KEY] }).state;
    const junk = step(withKey, { type: "keys", keys: ["not a key", "-----BEGIN PUBLIC KEY-----"] });
    expect(junk.state).toBe(withKey);
    expect(step(junk.state, OFFER).commands).toContainEqual({
      type: "ask-client",
      attempt: 1,
      offer: offer(),
    });
    const other = btoa("o".repeat(32));
    expect(step(withKey, { type: "keys", keys: ["junk", ` ${other}`] }).state.keys).toEqual([other]);
  });

  it("keys received during an update are used for the next one", () => {
    const other = btoa("o".repeat(32));
    const { commands } = run(
      [
        { type: "keys", keys: [other] },
        { type: "finished", attempt: 1, outcome: { ok: true } },
        { type: "offer", payload: offer("fw-3") },
        { type: "decided", attempt: 2, decision: { action: "apply" } },
      ],
      states.updating,
    );
    expect(commands).toContainEqual({
      type: "start-update",
      attempt: 2,
      offer: offer("fw-3"),
      publicKeys: [other],
    });
  });
});

describe("every invalid input in every state leaves it untouched", () => {
  // Each attempt-bearing input, for the current attempt and a stale one.
  const inputs = (attempt: number): [string, UpdateInput][] => [
    ["decided", { type: "decided", attempt, decision: { action: "apply" } }],
    ["decision-failed", { type: "decision-failed", attempt, error: "x" }],
    ["connection-opened", { type: "connection-opened", attempt, networkInterface: null }],
    ["progress", { type: "progress", attempt, stage: "updating", percent: 50, at: 0 }],
    ["finished", { type: "finished", attempt, outcome: { ok: true } }],
  ];
  const valid: Record<UpdateState["phase"], string[]> = {
    idle: [],
    deciding: ["decided", "decision-failed"],
    updating: ["connection-opened", "progress", "finished"],
  };

  for (const [phase, state] of Object.entries(states) as [UpdateState["phase"], UpdateState][]) {
    for (const [name, input] of inputs(state.attempt)) {
      if (valid[phase].includes(name)) continue;
      it(`${phase} refuses ${name}`, () => {
        const r = step(state, input);
        expect(r.state).toBe(state);
        expect(r.commands).toEqual([]);
      });
    }
    for (const [name, input] of inputs(state.attempt + 7)) {
      it(`${phase} refuses a stale ${name}`, () => {
        const r = step(state, input);
        expect(r.state).toBe(state);
        expect(r.commands).toEqual([]);
      });
    }
  }
});

describe("invariants over random input sequences", () => {
  const attempt = fc.integer({ min: 0, max: 4 });
  const input: fc.Arbitrary<UpdateInput> = fc.oneof(
    fc.constant(OFFER),
    fc.constant({ type: "offer", payload: { update_available: false } } as UpdateInput),
    fc.constantFrom<UpdateInput>(
      { type: "keys", keys: [] },
      { type: "keys", keys: ["junk"] },
      { type: "stop" },
    ),
    fc.record({
      type: fc.constant("decided" as const),
      attempt,
      decision: fc.oneof(
        fc.constant({ action: "apply" }),
        fc.constant({ action: "ignore" }),
        fc.constant({ action: "reschedule", delayMs: 1000 }),
        fc.anything(),
      ),
    }),
    fc.record({ type: fc.constant("decision-failed" as const), attempt, error: fc.string() }),
    fc.record({
      type: fc.constant("connection-opened" as const),
      attempt,
      networkInterface: fc.constant(null),
    }),
    fc.record({
      type: fc.constant("progress" as const),
      attempt,
      stage: fc.constantFrom("downloading" as const, "updating" as const),
      percent: fc.double({ min: -10, max: 200, noNaN: true }),
      at: fc.nat(),
    }),
    fc.record({
      type: fc.constant("finished" as const),
      attempt,
      outcome: fc.constantFrom({ ok: true } as const, { ok: false, failure: Failure.download("x") } as const),
    }),
  );

  it("the alarm is set exactly while updating, every status is one the hub accepts, only `apply` installs", () => {
    fc.assert(
      fc.property(fc.array(input, { maxLength: 40 }), (inputs) => {
        let state = initialState({ publicKeys: [KEY] });
        let alarm = false;
        for (const i of inputs) {
          const before = state;
          const r = step(state, i);
          state = r.state;
          for (const c of r.commands) {
            if (c.type === "set-alarm") alarm = true;
            if (c.type === "clear-alarm") alarm = false;
            if (c.type === "start-update") {
              expect(i.type).toBe("decided");
              expect(i.type === "decided" && i.decision).toEqual({ action: "apply" });
              expect(before.phase).toBe("deciding");
            }
            if (c.type === "push" && c.message.event === "status_update") {
              expect(UPDATE_STATUSES).toContain((c.message.payload as { status: string }).status);
            }
          }
          expect(alarm).toBe(state.phase === "updating");
        }
      }),
      { numRuns: 500 },
    );
  });
});
