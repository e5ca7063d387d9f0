import { checkReportDates, type DateFormat, InvalidArgumentError } from "@impactkit/jobs";
import { parseDay } from "./day.js";
import { UsageError } from "./exit-codes.js";

/**
 * `--param K=V` pairs as a query object; a key given more than once becomes a list
 * (`--param ProgramId=1 --param ProgramId=2`), as the repeatable ClickExport filters need.
 */
export function parseParams(pairs: readonly string[]): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  for (const pair of pairs) {
    const equals = pair.indexOf("=");
    if (equals <= 0) throw new UsageError(`--param takes KEY=VALUE, got ${JSON.stringify(pair)}`);
    const key = pair.slice(0, equals);
    const value = pair.slice(equals + 1);
    const existing = params[key];
    params[key] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return params;
}

/** One date parameter's value, checked and written as the API takes it; `flag` names it in messages (`-p START_DATE`). */
function dateValue(name: string, value: string, format: DateFormat, flag: string, now: number): string {
  if (format === "date") return parseDay(value, flag, now);
  // A day (or a word for one: today, 7d) is the day's start in UTC, the API's days being UTC dates; RFC 3339 allows a lower-case t.
  if (!/^\s*\d{4}-\d{2}-\d{2}t/i.test(value)) return `${parseDay(value, flag, now)}T00:00:00Z`;
  try {
    checkReportDates({ [name]: value.trim() }, { [name]: format });
  } catch (error) {
    if (!(error instanceof InvalidArgumentError)) throw error;
    throw new UsageError(`${flag} takes a real date-time; ${JSON.stringify(value)} is not one (YYYY-MM-DDTHH:MM:SSZ)`);
  }
  return value.trim();
}

/**
 * The `-p` pairs with their date parameters checked and converted before anything is sent: a date as it is,
 * `today`, `yesterday`, `7d`, `2w` as the UTC date they name (for a date-time parameter, that day's start in UTC),
 * and anything else — `2026-13-45` — a usage error naming `-p NAME`.
 */
export function withDates(
  params: Record<string, string | string[]>,
  dates: Readonly<Record<string, DateFormat>>,
  now: number = Date.now(),
): Record<string, string | string[]> {
  const converted: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(params)) {
    const format = dates[name];
    const flag = `-p ${name}`;
    converted[name] =
      format === undefined
        ? value
        : Array.isArray(value)
          ? value.map((one) => dateValue(name, one, format, flag, now))
          : dateValue(name, value, format, flag, now);
  }
  return converted;
}

/** The result formats ReportExport and ClickExport take (`ResultFormat` of every flavor's spec). */
export const RESULT_FORMATS = ["CSV", "JSON", "XML"] as const;
