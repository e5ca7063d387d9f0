import { describe, expect, it } from "vitest";
import { parseDay } from "./day.js";

/** 2026-12-03 00:30 UTC: still the 2nd in New York, which must not matter — the API's days are UTC dates. */
const NOW = Date.parse("2026-12-03T00:30:00Z");

describe("parseDay", () => {
  it.each([
    ["2026-11-01", "2026-11-01"],
    ["today", "2026-12-03"],
    ["Yesterday", "2026-12-02"],
    ["7d", "2026-11-26"],
    ["0d", "2026-12-03"],
    ["2w", "2026-11-19"],
    ["40d", "2026-10-24"],
  ])("%s is %s", (text, day) => {
    expect(parseDay(text, "--created-after", NOW)).toBe(day);
  });

  it.each([
    ["2029-01-01T00:00:05Z", "today", "2029-01-01"],
    ["2029-01-01T00:00:05Z", "yesterday", "2028-12-31"],
    ["2028-03-01T23:59:59Z", "yesterday", "2028-02-29"],
    ["2028-03-01T00:00:00Z", "1w", "2028-02-23"],
    ["2027-03-01T00:00:00Z", "yesterday", "2027-02-28"],
    ["2026-12-31T23:59:59.999Z", "today", "2026-12-31"],
  ])("at %s, %s is %s: across a year's, a month's and a leap day's boundary, in UTC whatever TZ says", (at, text, day) => {
    expect(parseDay(text, "--date", Date.parse(at))).toBe(day);
  });

  it.each(["last week", "7", "-3d", "2026/11/01", "7 days", ""])("refuses %j, naming the flag and the forms it takes", (text) => {
    expect(() => parseDay(text, "--date", NOW)).toThrow(
      `--date takes a day: YYYY-MM-DD, today, yesterday, or a count back such as 7d or 2w; got ${JSON.stringify(text)}`,
    );
  });

  it.each(["2026-13-45", "2026-02-30", "2027-02-29", "2026-00-10", "2026-04-31"])("refuses %s, a date that is not on the calendar, naming the flag", (text) => {
    expect(() => parseDay(text, "-p START_DATE", NOW)).toThrow(`-p START_DATE takes a real date; ${JSON.stringify(text)} is not one (YYYY-MM-DD)`);
  });

  it("takes a leap day", () => {
    expect(parseDay("2028-02-29", "--date", NOW)).toBe("2028-02-29");
  });
});
