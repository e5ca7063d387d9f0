/** The range a server's wait hint is clamped to: at least 0, at most an hour. */
export const MAX_RETRY_AFTER_MS = 3_600_000;

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
    const date = Date.parse(trimmed);
    if (Number.isNaN(date) || !/[a-z]/i.test(trimmed)) return undefined;
    ms = date - now;
  }
  return Math.min(Math.max(0, ms), maxMs);
}
