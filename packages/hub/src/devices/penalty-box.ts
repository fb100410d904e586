// The server's deployment-group rules for blocking a device's updates (the "penalty box").
import type { DeviceRecord } from "./device-record.js";

/** A deployment group's failure settings; the defaults are the server's. */
export interface PenaltyPolicy {
  /** How long a failed, ignored or over-threshold device is blocked. */
  penaltyTimeoutMinutes: number;
  /** Attempts (without an update completing) after which the device is blocked. */
  deviceFailureThreshold: number;
  /** …or this many attempts within `deviceFailureRateSeconds`. */
  deviceFailureRateAmount: number;
  deviceFailureRateSeconds: number;
}

export const DEFAULT_PENALTY_POLICY: PenaltyPolicy = {
  penaltyTimeoutMinutes: 1440,
  deviceFailureThreshold: 3,
  deviceFailureRateAmount: 5,
  deviceFailureRateSeconds: 180,
};

/** The server stores these times with whole seconds. */
export const toWholeSecond = (ms: number): number => Math.floor(ms / 1000) * 1000;

export function inPenaltyBox(device: DeviceRecord, now: number): boolean {
  return device.updatesBlockedUntil !== null && device.updatesBlockedUntil > now;
}

/** Why a device that is not blocked yet must be blocked before an offer, or null. */
export function overFailureLimits(
  device: DeviceRecord,
  policy: PenaltyPolicy,
  now: number,
): "exceeded_failure_rate" | "exceeded_failure_threshold" | null {
  const since = now - policy.deviceFailureRateSeconds * 1000;
  const recent = device.updateAttempts.filter((at) => at > since).length;
  if (recent >= policy.deviceFailureRateAmount) return "exceeded_failure_rate";
  if (device.updateAttempts.length >= policy.deviceFailureThreshold) return "exceeded_failure_threshold";
  return null;
}

/** The end of a penalty starting now. */
export function penaltyEnd(policy: PenaltyPolicy, now: number): number {
  return toWholeSecond(now) + policy.penaltyTimeoutMinutes * 60_000;
}
