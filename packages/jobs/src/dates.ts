import { InvalidArgumentError } from "./errors.js";

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A `Date` or a `YYYY-MM-DD` string as the `YYYY-MM-DD` the list and export endpoints take (UTC). */
export function toApiDate(value: Date | string, name: string): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new InvalidArgumentError(`${name} is an invalid Date`);
    return value.toISOString().slice(0, 10);
  }
  const match = typeof value === "string" ? DAY.exec(value) : null;
  const parsed = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : undefined;
  if (!match || !parsed || parsed.toISOString().slice(0, 10) !== value) {
    throw new InvalidArgumentError(`${name} must be a Date or a YYYY-MM-DD date, got ${JSON.stringify(value)}`);
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
