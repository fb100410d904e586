// The `date` header of a refused upgrade is the hub's clock: a signing hint and a skew warning.

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const IMF_FIXDATE = /^([A-Z][a-z]{2}), (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;

/**
 * Parses an RFC 9110 IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`, what Bandit sends) into ms
 * since the epoch. Returns undefined for anything else, including impossible dates or a weekday
 * that does not match the date.
 */
export function parseHttpDate(value: string): number | undefined {
  const match = IMF_FIXDATE.exec(value.trim());
  if (match === null) return undefined;
  const [, dayName = "", day = "", monthName = "", year = "", hour = "", minute = "", second = ""] = match;
  const month = MONTHS.indexOf(monthName);
  if (month < 0 || !DAYS.includes(dayName)) return undefined;
  // RFC 9110 allows second 60 (a leap second); Date cannot represent it, so clamp.
  const ms = Date.UTC(
    Number(year),
    month,
    Number(day),
    Number(hour),
    Number(minute),
    Math.min(Number(second), 59),
  );
  const date = new Date(ms);
  const fieldsRoundTrip =
    date.getUTCDate() === Number(day) &&
    date.getUTCMonth() === month &&
    date.getUTCHours() === Number(hour) &&
    date.getUTCMinutes() === Number(minute) &&
    Number(second) <= 60;
  if (!fieldsRoundTrip || DAYS[date.getUTCDay()] !== dayName) return undefined;
  return ms;
}
