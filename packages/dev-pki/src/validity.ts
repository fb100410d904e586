import { DevPkiError } from "./errors.js";

/** When a certificate is valid. Explicit dates win over `validDays`. */
export interface ValidityOptions {
  /** Lifetime from `notBefore`, in days. */
  validDays?: number;
  /** Start of validity; default five minutes ago so small clock skew between peers does not matter. */
  notBefore?: Date;
  /** End of validity; default `notBefore` + `validDays`. */
  notAfter?: Date;
}

const DAY_MS = 86_400_000;
const SKEW_MS = 5 * 60_000;

export function resolveValidity(
  options: ValidityOptions,
  defaultDays: number,
): { notBefore: Date; notAfter: Date } {
  const days = options.validDays ?? defaultDays;
  if (!(days > 0)) throw new DevPkiError(`validDays must be positive, got ${days}`);
  const notBefore = options.notBefore ?? new Date(Date.now() - SKEW_MS);
  const notAfter = options.notAfter ?? new Date(notBefore.getTime() + days * DAY_MS);
  if (Number.isNaN(notBefore.getTime()) || Number.isNaN(notAfter.getTime())) {
    throw new DevPkiError("notBefore and notAfter must be valid dates");
  }
  if (notAfter.getTime() <= notBefore.getTime()) {
    throw new DevPkiError(
      `notAfter (${notAfter.toISOString()}) must be after notBefore (${notBefore.toISOString()})`,
    );
  }
  return { notBefore, notAfter };
}
