// Why an update failed, and the exact `status_update failed` reason string nerves_hub_link sends
// for it (device-client.md §4.7). Reasons mimic Elixir's `inspect`, so dashboards and audit logs
// read the same whichever agent a device runs.

/** An Elixir-like term: an atom (`"http_error"` prints as `:http_error`) or a tuple of them. */
export type FailureTerm = string | readonly [string, ...(string | number)[]];

/** Why an update did not complete. */
export type UpdateFailure =
  /** The download gave up: `Download failed : <term>`. */
  | { kind: "download"; term: FailureTerm }
  /** Verification or bookkeeping failed: `Update failed : <term>`. */
  | { kind: "update"; term: FailureTerm }
  /** fwup reported `ER`: `FWUP error : "<message>"`. */
  | { kind: "fwup"; message: string }
  /** Anything else (a crash, fwup exiting without a verdict): `Unexpected error : <message>`. */
  | { kind: "unexpected"; message: string };

/** A typed error adapters throw; it carries the failure the hub is told about. */
export class UpdateError extends Error {
  override readonly name = "UpdateError";
  constructor(readonly failure: UpdateFailure) {
    super(failureReason(failure));
  }
}

const inspectString = (s: string) => JSON.stringify(s);

function inspectAtomOrString(value: string | number, position: number): string {
  if (typeof value === "number") return String(value);
  // The first element of a tuple is always an atom; later strings are Elixir strings.
  return position === 0 ? `:${value}` : inspectString(value);
}

/** Formats a term the way Elixir's `inspect` would (`:atom`, `{:http_error, 404}`). */
export function inspectTerm(term: FailureTerm): string {
  if (typeof term === "string") return `:${term}`;
  return `{${term.map((v, i) => inspectAtomOrString(v, i)).join(", ")}}`;
}

/** The `reason` of `status_update failed` for a failure. */
export function failureReason(failure: UpdateFailure): string {
  switch (failure.kind) {
    case "download":
      return `Download failed : ${inspectTerm(failure.term)}`;
    case "update":
      return `Update failed : ${inspectTerm(failure.term)}`;
    case "fwup":
      return `FWUP error : ${inspectString(failure.message)}`;
    case "unexpected":
      return `Unexpected error : ${failure.message}`;
  }
}

/** Shorthands for the failures the adapters report. */
export const Failure = {
  download: (term: FailureTerm): UpdateFailure => ({ kind: "download", term }),
  update: (term: FailureTerm): UpdateFailure => ({ kind: "update", term }),
  fwup: (message: string): UpdateFailure => ({ kind: "fwup", message }),
  unexpected: (message: string): UpdateFailure => ({ kind: "unexpected", message }),
};
