import { InvalidArgumentError } from "../base/errors.js";
import { describeValue } from "../base/job-id.js";

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A `Date` or a `YYYY-MM-DD` string as the `YYYY-MM-DD` the list and export endpoints take (UTC). */
export function toApiDate(value: Date | string, name: string): string {
  if (value instanceof Date) {
    const year = value.getUTCFullYear();
    if (Number.isNaN(year)) throw new InvalidArgumentError(`${name} is an invalid Date`, name);
    if (year < 0 || year > 9999) throw new InvalidArgumentError(`${name} is not a Date with a YYYY-MM-DD form (years 0000-9999)`, name);
    return value.toISOString().slice(0, 10);
  }
  const match = typeof value === "string" ? DAY.exec(value) : null;
  const parsed = new Date(0);
  if (match) parsed.setUTCFullYear(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  if (!match || parsed.toISOString().slice(0, 10) !== value) {
    throw new InvalidArgumentError(`${name} must be a Date or a YYYY-MM-DD date, got ${describeValue(value)}`, name);
  }
  return value;
}

/** Both ends as API dates, with `after` not later than `before`. */
export function toApiRange(after: Date | string | undefined, before: Date | string | undefined): { after?: string; before?: string } {
  const range = {
    ...(after === undefined ? {} : { after: toApiDate(after, "createdAfter") }),
    ...(before === undefined ? {} : { before: toApiDate(before, "createdBefore") }),
  };
  if (range.after && range.before && range.after > range.before) {
    throw new InvalidArgumentError(`createdAfter (${range.after}) is later than createdBefore (${range.before})`);
  }
  return range;
}

/**
 * The Jobs list's `CreatedAfter` / `CreatedBefore` for a range of whole UTC days, in the format the flavor's
 * spec gives them (`listDateFormat`): the days themselves (`YYYY-MM-DD`, partner and agency), or the first and
 * the last second of them as RFC 3339 date-times (brand, https://integrations.impact.com/brand-api-reference/reference/jobs).
 */
export function listFilter(range: { after?: string; before?: string }, format: "date" | "date-time"): { CreatedAfter?: string; CreatedBefore?: string } {
  const after = range.after && (format === "date" ? range.after : `${range.after}T00:00:00Z`);
  const before = range.before && (format === "date" ? range.before : `${range.before}T23:59:59Z`);
  return { ...(after ? { CreatedAfter: after } : {}), ...(before ? { CreatedBefore: before } : {}) };
}
