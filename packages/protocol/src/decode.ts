// Tiny decoder combinators: each checks a value at a path and returns a Result, never throws.
import { err, ok, type Result } from "./result.js";

/** Where a value is wrong and what was expected there. */
export interface FieldIssue {
  field: string;
  expected: string;
  /** The field itself is not one the object may have (see `strictObject`). */
  unknownField?: true;
}

export type Decoder<T> = (value: unknown, path: string) => Result<T, FieldIssue>;
export type Decoded<D> = D extends Decoder<infer T> ? T : never;

const issue = (field: string, expected: string) => err<FieldIssue>({ field: field || "payload", expected });
const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

export const str: Decoder<string> = (v, p) => (typeof v === "string" ? ok(v) : issue(p, "a string"));
export const bool: Decoder<boolean> = (v, p) => (typeof v === "boolean" ? ok(v) : issue(p, "a boolean"));
export const int: Decoder<number> = (v, p) =>
  Number.isSafeInteger(v) ? ok(v as number) : issue(p, "an integer");
export const num: Decoder<number> = (v, p) =>
  typeof v === "number" && Number.isFinite(v) ? ok(v) : issue(p, "a number");
export const unknownValue: Decoder<unknown> = (v) => ok(v);

export function intRange(min: number, max: number): Decoder<number> {
  return (v, p) =>
    Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max
      ? ok(v as number)
      : issue(p, `an integer from ${min} to ${max}`);
}

export function oneOf<const T extends string>(values: readonly T[]): Decoder<T> {
  return (v, p) =>
    (values as readonly unknown[]).includes(v) ? ok(v as T) : issue(p, `one of ${values.join(", ")}`);
}

/** Values of `d` that also pass `check`; `expected` says what a failing one should have been. */
export function refine<T>(d: Decoder<T>, check: (value: T) => boolean, expected: string): Decoder<T> {
  return (v, p) => {
    const r = d(v, p);
    return !r.ok || check(r.value) ? r : issue(p, expected);
  };
}

/** `d`, but a failure anywhere inside is reported at this path as `expected` (one message per field). */
export function expecting<T>(expected: string, d: Decoder<T>): Decoder<T> {
  return (v, p) => {
    const r = d(v, p);
    return r.ok ? r : issue(p, expected);
  };
}

export function nullable<T>(d: Decoder<T>): Decoder<T | null> {
  return (v, p) => (v === null ? ok(null) : d(v, p));
}

/**
 * A key that may be absent. Null counts as absent too (the wire uses them interchangeably), except
 * where the inner decoder accepts null itself, as in `optional(nullable(str))`: then null is kept.
 */
export function optional<T>(d: Decoder<T>): Decoder<T | undefined> {
  return (v, p) => {
    if (v === undefined) return ok(undefined);
    if (v === null) {
      const r = d(v, p);
      return r.ok ? r : ok(undefined);
    }
    return d(v, p);
  };
}

/** A key that may be absent; unlike `optional`, null is a wrong value (for configuration files). */
export function absentOr<T>(d: Decoder<T>): Decoder<T | undefined> {
  return (v, p) => (v === undefined ? ok(undefined) : d(v, p));
}

export function array<T>(d: Decoder<T>): Decoder<T[]> {
  return (v, p) => {
    if (!Array.isArray(v)) return issue(p, "an array");
    const out: T[] = [];
    for (let i = 0; i < v.length; i++) {
      const r = d(v[i], `${p}[${i}]`);
      if (!r.ok) return r;
      out.push(r.value);
    }
    return ok(out);
  };
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return (
    typeof v === "object" &&
    v !== null &&
    !Array.isArray(v) &&
    !(v instanceof Uint8Array) &&
    !(v instanceof Date)
  );
}

/** A string-keyed map whose values all pass `d`. */
export function record<T>(d: Decoder<T>): Decoder<Record<string, T>> {
  return (v, p) => {
    if (!isRecord(v)) return issue(p, "an object");
    const out: Record<string, T> = {};
    for (const [k, val] of Object.entries(v)) {
      const r = d(val, join(p, k));
      if (!r.ok) return r;
      // defineProperty, so a "__proto__" key stays a key instead of replacing the prototype.
      Object.defineProperty(out, k, { value: r.value, enumerable: true, writable: true, configurable: true });
    }
    return ok(out);
  };
}

type Shape = Record<string, Decoder<unknown>>;
type OptionalKeys<S extends Shape> = {
  [K in keyof S]: undefined extends Decoded<S[K]> ? K : never;
}[keyof S];
export type ObjectOf<S extends Shape> = { [K in Exclude<keyof S, OptionalKeys<S>>]: Decoded<S[K]> } & {
  [K in OptionalKeys<S>]?: Decoded<S[K]>;
};

/** An object with the given fields; unknown fields are tolerated and dropped. */
export function object<S extends Shape>(shape: S): Decoder<ObjectOf<S>> {
  return (v, p) => {
    if (!isRecord(v)) return issue(p, "an object");
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(shape)) {
      const d = shape[key] as Decoder<unknown>;
      const r = d(v[key], join(p, key));
      if (!r.ok) return r;
      if (r.value !== undefined) out[key] = r.value;
    }
    return ok(out as ObjectOf<S>);
  };
}

/** Like `object`, but a field the shape does not name is an issue (`unknownField`) instead of dropped. */
export function strictObject<S extends Shape>(shape: S): Decoder<ObjectOf<S>> {
  const decode = object(shape);
  return (v, p) => {
    if (isRecord(v)) {
      const extra = Object.keys(v).find((k) => !Object.hasOwn(shape, k));
      if (extra !== undefined)
        return err({ field: join(p, extra), expected: "no such field", unknownField: true });
    }
    return decode(v, p);
  };
}

/** Any object, passed through as is (for free-form payloads such as health reports). */
export const anyObject: Decoder<Record<string, unknown>> = (v, p) =>
  isRecord(v) ? ok(v) : issue(p, "an object");

/** Tries each decoder in turn; reports the last failure. */
export function union<A, B>(a: Decoder<A>, b: Decoder<B>): Decoder<A | B> {
  return (v, p) => {
    const r = a(v, p);
    return r.ok ? r : b(v, p);
  };
}
