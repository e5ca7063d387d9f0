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

  it.each(["last week", "7", "-3d", "2026/11/01", "7 days", ""])("refuses %j, naming the flag and the forms it takes", (text) => {
    expect(() => parseDay(text, "--date", NOW)).toThrow(`--date takes a day: YYYY-MM-DD, today, yesterday, or a count back such as 7d or 2w; got ${JSON.stringify(text)}`);
  });
});
