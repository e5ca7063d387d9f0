import { InvalidArgumentError } from "../base/errors.js";
import { describeValue } from "../base/job-id.js";
import { toApiDate } from "./dates.js";

/** How an export's date parameter is written: `YYYY-MM-DD`, or a date-time (brand's ReportExport). */
export type DateFormat = "date" | "date-time";

/**
 * The date parameters of ReportExport in the flavors' specs: `START_DATE`/`END_DATE` (`format: date`) of
 * partner and agency, `StartDate`/`EndDate` (`format: date-time`) of brand. Only those the flavor's spec gives
 * (`SPEC.traits.reportParams`) count, so that no request is needed to know them.
 */
const REPORT_DATE_PARAMS: Readonly<Record<string, DateFormat>> = { START_DATE: "date", END_DATE: "date", StartDate: "date-time", EndDate: "date-time" };

/** The date parameters a flavor's ReportExport takes, by name. */
export function reportDateParams(traits: { readonly reportParams: readonly string[] }): Record<string, DateFormat> {
  return Object.fromEntries(traits.reportParams.filter((name) => name in REPORT_DATE_PARAMS).map((name) => [name, REPORT_DATE_PARAMS[name]!]));
}

/** An RFC 3339 date-time (https://www.rfc-editor.org/rfc/rfc3339#section-5.6), its offset optional as the API reads it. */
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * The date parameters among `params` checked: each a real calendar date (`2026-13-45` is not) in its spec's
 * format, and the start not after the end. Rejects with an `InvalidArgumentError` naming the parameter.
 */
export function checkReportDates(params: Readonly<Record<string, unknown>>, dates: Readonly<Record<string, DateFormat>>): void {
  for (const [name, format] of Object.entries(dates)) {
    const value = params[name];
    if (value === undefined || value === null || value === "") continue;
    if (format === "date") {
      toApiDate(value as string, name);
      continue;
    }
    const dateTime = typeof value === "string" ? DATE_TIME.exec(value) : null;
    const refused = new InvalidArgumentError(`${name} must be a date-time such as 2026-11-01T00:00:00Z, got ${describeValue(value)}`, name);
    if (!dateTime || Number.isNaN(Date.parse(value as string))) throw refused;
    try {
      toApiDate(dateTime[1]!, name);
    } catch {
      throw refused;
    }
  }
  for (const [start, end] of [
    ["START_DATE", "END_DATE"],
    ["StartDate", "EndDate"],
  ] as const) {
    const [from, to] = [params[start], params[end]];
    if (dates[start] && typeof from === "string" && typeof to === "string" && Date.parse(from) > Date.parse(to))
      throw new InvalidArgumentError(`${start} (${from}) is later than ${end} (${to})`, start);
  }
}
