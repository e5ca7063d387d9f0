import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../base/errors.js";
import { checkReportDates, reportDateParams } from "./report-dates.js";

const PARTNER = reportDateParams({ reportParams: ["START_DATE", "END_DATE", "ResultFormat"] });
const BRAND = reportDateParams({ reportParams: ["StartDate", "EndDate"] });

describe("a report export's dates", () => {
  it("are those the flavor's spec gives, in its format", () => {
    expect(PARTNER).toEqual({ START_DATE: "date", END_DATE: "date" });
    expect(BRAND).toEqual({ StartDate: "date-time", EndDate: "date-time" });
    expect(reportDateParams({ reportParams: ["ResultFormat"] })).toEqual({});
  });

  it("pass when real, in order, or left out", () => {
    expect(() => checkReportDates({ START_DATE: "2026-11-01", END_DATE: "2026-11-24", SUBAID: "x" }, PARTNER)).not.toThrow();
    expect(() => checkReportDates({ StartDate: "2026-11-01T00:00:00Z", EndDate: "2026-11-02T12:30:00-05:00" }, BRAND)).not.toThrow();
    expect(() => checkReportDates({}, PARTNER)).not.toThrow();
  });

  it("are refused naming the parameter: not on the calendar, not a date, or the start after the end", () => {
    for (const [params, dates, option, message] of [
      [{ START_DATE: "2026-13-45" }, PARTNER, "START_DATE", /^START_DATE must be a Date or a YYYY-MM-DD date, got "2026-13-45"$/],
      [{ END_DATE: "yesterday" }, PARTNER, "END_DATE", /^END_DATE must be a Date or a YYYY-MM-DD date, got "yesterday"$/],
      [{ StartDate: "2026-02-30T00:00:00Z" }, BRAND, "StartDate", /^StartDate must be a date-time such as 2026-11-01T00:00:00Z, got "2026-02-30T00:00:00Z"$/],
      [{ EndDate: "noon" }, BRAND, "EndDate", /^EndDate must be a date-time such as 2026-11-01T00:00:00Z, got "noon"$/],
      [{ START_DATE: "2026-11-30", END_DATE: "2026-11-01" }, PARTNER, "START_DATE", /^START_DATE \(2026-11-30\) is later than END_DATE \(2026-11-01\)$/],
    ] as const) {
      expect(() => checkReportDates(params, dates)).toThrow(InvalidArgumentError);
      expect(() => checkReportDates(params, dates)).toThrow(expect.objectContaining({ option }));
      expect(() => checkReportDates(params, dates)).toThrow(message);
    }
  });
});
