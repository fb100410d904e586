import type { UpdateJob, UpdateStrategy } from "@nerves-hub-ts/ports";
import type { UpdateOutcome } from "@nerves-hub-ts/update";

/** An UpdateStrategy the test drives by hand: it records each job and settles when told. */
export class ScriptedStrategy implements UpdateStrategy {
  readonly name = "scripted";
  readonly jobs: UpdateJob[] = [];
  #settle: ((o: UpdateOutcome) => void) | undefined;
  #reject: ((e: unknown) => void) | undefined;

  run(job: UpdateJob): Promise<UpdateOutcome> {
    this.jobs.push(job);
    return new Promise((resolve, reject) => {
      this.#settle = resolve;
      this.#reject = reject;
      job.signal.addEventListener("abort", () =>
        resolve({ ok: false, failure: { kind: "unexpected", message: "aborted" } }),
      );
    });
  }

  get job(): UpdateJob {
    const j = this.jobs.at(-1);
    if (!j) throw new Error("no job started");
    return j;
  }

  finish(outcome: UpdateOutcome): void {
    this.#settle?.(outcome);
  }

  crash(error: unknown): void {
    this.#reject?.(error);
  }
}

/** Lets pending promise callbacks run (no timers involved). */
export const flush = () => new Promise<void>((r) => setImmediate(r));
