import { UsageError } from "./exit-codes.js";

const DAY_MS = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Whether `YYYY-MM-DD` names a day of the calendar: not 2026-13-45, nor 2026-02-30. */
function isCalendarDate(value: string): boolean {
  const time = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === value;
}

/**
 * A day flag's value as the API's `YYYY-MM-DD` (its days are UTC dates): a date as it is, or `today`,
 * `yesterday`, `7d` (seven days ago), `2w` (two weeks ago), counted back from `now` in UTC. A date that is
 * not on the calendar (2026-13-45, 2026-02-30) is a usage error naming the flag.
 */
export function parseDay(text: string, flag: string, now: number = Date.now()): string {
  const value = text.trim().toLowerCase();
  if (DATE.test(value)) {
    if (!isCalendarDate(value)) throw new UsageError(`${flag} takes a real date; ${JSON.stringify(text)} is not one (YYYY-MM-DD)`);
    return value;
  }
  const back = value === "today" ? 0 : value === "yesterday" ? 1 : /^(\d{1,4})([dw])$/.exec(value);
  if (back === null) throw new UsageError(`${flag} takes a day: YYYY-MM-DD, today, yesterday, or a count back such as 7d or 2w; got ${JSON.stringify(text)}`);
  const days = typeof back === "number" ? back : Number(back[1]) * (back[2] === "w" ? 7 : 1);
  return new Date(now - days * DAY_MS).toISOString().slice(0, 10);
}
