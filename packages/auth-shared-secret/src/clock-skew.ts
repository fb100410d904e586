// A readable log line for a device clock that disagrees with the hub.

/** Skew below which the clocks are considered to agree. */
export const CLOCK_SKEW_THRESHOLD_MS = 30_000;

/**
 * Describes the device clock's offset from the server's (e.g. from a refused upgrade's `date`
 * header), or returns undefined when they agree within `thresholdMs`.
 */
export function describeClockSkew(
  deviceMs: number,
  serverMs: number,
  thresholdMs: number = CLOCK_SKEW_THRESHOLD_MS,
): string | undefined {
  const skewMs = deviceMs - serverMs;
  if (!Number.isFinite(skewMs) || Math.abs(skewMs) <= thresholdMs) return undefined;
  const amount = formatDuration(Math.abs(skewMs));
  const times = `device ${new Date(deviceMs).toISOString()}, server ${new Date(serverMs).toISOString()}`;
  if (skewMs < 0) {
    return `device clock is ${amount} behind the server (${times}); signing with the server's time until the clock is set`;
  }
  return `device clock is ${amount} ahead of the server (${times}); the server refuses signatures from its future, so fix the device clock (NTP)`;
}

function formatDuration(ms: number): string {
  const totalSeconds = Math.round(ms / 1000);
  const days = Math.floor(totalSeconds / 86400);
  const hours = Math.floor((totalSeconds % 86400) / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const parts = [
    days > 0 ? `${days} d` : "",
    hours > 0 ? `${hours} h` : "",
    minutes > 0 ? `${minutes} min` : "",
    seconds > 0 ? `${seconds} s` : "",
  ].filter((part) => part !== "");
  return parts.join(" ");
}
