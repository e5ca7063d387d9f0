import type { RateLimitState } from "./rate-limit.js";

/** The range a server's wait hint is clamped to: at least 0, at most an hour. */
export const MAX_RETRY_AFTER_MS = 3_600_000;

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const IMF_FIXDATE = /^[A-Za-z]{3}, (\d{2}) ([A-Za-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const RFC850 = /^[A-Za-z]+, (\d{2})-([A-Za-z]{3})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/;
const ASCTIME = /^[A-Za-z]{3} ([A-Za-z]{3}) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;

/** An HTTP-date in any of its three forms (RFC 9110 §5.6.7), always UTC, as epoch ms. */
export function parseHttpDate(value: string): number | undefined {
  const rfc = IMF_FIXDATE.exec(value) ?? RFC850.exec(value);
  const asctime = ASCTIME.exec(value);
  // Day, month, year, hour, minute, second.
  const parts = rfc ? rfc.slice(1) : asctime && [asctime[2]!, asctime[1]!, asctime[6]!, ...asctime.slice(3, 6)];
  if (!parts) return undefined;
  const month = MONTHS.indexOf(parts[1]!.toLowerCase());
  let [day, , year, hour, minute, second] = parts.map(Number) as [number, number, number, number, number, number];
  // RFC 850's two-digit year.
  if (parts[2]!.length === 2) year += year < 70 ? 2000 : 1900;
  const time = Date.UTC(year, month, day, hour, minute, second);
  return month !== -1 && new Date(time).getUTCDate() === day && hour < 24 && minute < 60 && second < 61 ? time : undefined;
}

/**
 * `Retry-After` as a delay in ms: delay-seconds or an HTTP-date (RFC 9110 §10.2.3), clamped to
 * [0, maxMs]. `undefined` when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number, maxMs: number = MAX_RETRY_AFTER_MS): number | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(trimmed)) ms = Number(trimmed) * 1000;
  else {
    const date = parseHttpDate(trimmed);
    if (date === undefined) return undefined;
    ms = date - now;
  }
  return Math.min(Math.max(0, ms), maxMs);
}

/**
 * When a 429 says its budget renews, if that lies beyond the hourly window (more than an hour away: an
 * export's daily quota): its `Retry-After` (RFC 9110 §10.2.3), else the flavor's reset header (`budget`, read
 * with `readRateLimit`) — partner sends both (https://integrations.impact.com/partner-api-reference/readme/rate-limits),
 * brand the reset alone.
 */
export function renewalBeyondHour(headers: Headers, budget: RateLimitState | undefined, now: number): number | undefined {
  const retryAfter = parseRetryAfter(headers.get("retry-after"), now, Number.POSITIVE_INFINITY);
  const renewsAt = retryAfter === undefined ? budget?.resetAt : now + retryAfter;
  return renewsAt !== undefined && renewsAt - now > MAX_RETRY_AFTER_MS ? renewsAt : undefined;
}
