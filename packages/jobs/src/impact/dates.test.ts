import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { listFilter, toApiDate, toApiRange } from "./dates.js";
import { InvalidArgumentError } from "../base/errors.js";
import { thrown } from "../testing.js";

const DAY = /^\d{4}-\d{2}-\d{2}$/;

describe("toApiDate", () => {
  it("formats a Date as its UTC day", () => {
    expect(toApiDate(new Date("2026-01-15T10:00:00Z"), "createdAfter")).toBe("2026-01-15");
  });

  it("uses the UTC day when the local day differs (west of UTC)", () => {
    expect(toApiDate(new Date("2026-01-15T23:30:00-05:00"), "createdAfter")).toBe("2026-01-16");
  });

  it("uses the UTC day when the local day differs (east of UTC)", () => {
    expect(toApiDate(new Date("2026-01-16T00:30:00+02:00"), "createdAfter")).toBe("2026-01-15");
  });

  it("formats the first and last millisecond of a day as that day", () => {
    expect(toApiDate(new Date("2026-03-01T00:00:00.000Z"), "createdAfter")).toBe("2026-03-01");
    expect(toApiDate(new Date("2026-03-01T23:59:59.999Z"), "createdAfter")).toBe("2026-03-01");
  });

  it.each(["2026-01-15", "2026-02-28", "2024-02-29", "2026-12-31", "2000-02-29", "1999-01-01"])("passes the valid day %s through", (day) => {
    expect(toApiDate(day, "createdAfter")).toBe(day);
  });

  it.each(["2026-02-30", "2025-02-29", "1900-02-29", "2026-04-31", "2026-13-01", "2026-00-10", "2026-01-00", "2026-1-5", "26-01-15", "yesterday", ""])(
    "rejects %j with an InvalidArgumentError naming the parameter and the value",
    (value) => {
      const error = thrown(() => toApiDate(value, "createdBefore"));
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(error.message).toBe(`createdBefore must be a Date or a YYYY-MM-DD date, got ${JSON.stringify(value)}`);
    },
  );

  it.each(["2026-01-15T00:00:00Z", " 2026-01-15", "2026-01-15 ", "2026/01/15", "20260115", "2026-01-15\n"])("rejects the non-day string %j", (value) => {
    expect(() => toApiDate(value, "createdAfter")).toThrow(InvalidArgumentError);
  });

  it("rejects an invalid Date with an InvalidArgumentError naming the parameter", () => {
    const error = thrown(() => toApiDate(new Date("nope"), "createdAfter"));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.message).toBe("createdAfter is an invalid Date");
  });

  it("rejects a value that is neither a Date nor a string", () => {
    expect(() => toApiDate(20260115 as unknown as string, "createdAfter")).toThrow(InvalidArgumentError);
  });

  it("rejects a Date after year 9999, which has no YYYY-MM-DD form, naming the parameter", () => {
    const error = thrown(() => toApiDate(new Date("+010000-01-01T00:00:00.000Z"), "createdBefore"));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.message).toContain("createdBefore");
  });

  it("rejects a Date before year 0, which has no YYYY-MM-DD form, naming the parameter", () => {
    const error = thrown(() => toApiDate(new Date("-000001-06-15T00:00:00.000Z"), "createdAfter"));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.message).toContain("createdAfter");
  });

  it("accepts a valid day in the first century as a string, as it does as a Date", () => {
    expect(toApiDate(new Date("0050-06-15T00:00:00.000Z"), "createdAfter")).toBe("0050-06-15");
    expect(toApiDate("0050-06-15", "createdAfter")).toBe("0050-06-15");
  });
});

describe("toApiRange", () => {
  it("formats both ends", () => {
    expect(toApiRange("2026-01-01", new Date("2026-01-31T12:00:00Z"))).toEqual({ after: "2026-01-01", before: "2026-01-31" });
  });

  it("allows equal ends", () => {
    expect(toApiRange("2026-01-15", "2026-01-15")).toEqual({ after: "2026-01-15", before: "2026-01-15" });
  });

  it("compares whole UTC days, so a later time on the same day is allowed", () => {
    expect(toApiRange(new Date("2026-01-15T20:00:00Z"), new Date("2026-01-15T08:00:00Z"))).toEqual({ after: "2026-01-15", before: "2026-01-15" });
  });

  it("rejects after later than before, naming both", () => {
    const error = thrown(() => toApiRange("2026-02-01", new Date("2026-01-31T23:00:00Z")));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.message).toBe("createdAfter (2026-02-01) is later than createdBefore (2026-01-31)");
  });

  it("returns only after when before is missing", () => {
    const range = toApiRange("2026-01-15", undefined);
    expect(range).toEqual({ after: "2026-01-15" });
    expect(Object.keys(range)).toEqual(["after"]);
  });

  it("returns only before when after is missing", () => {
    const range = toApiRange(undefined, new Date("2026-01-15T00:00:00Z"));
    expect(range).toEqual({ before: "2026-01-15" });
    expect(Object.keys(range)).toEqual(["before"]);
  });

  it("returns an empty range when both are missing", () => {
    expect(toApiRange(undefined, undefined)).toEqual({});
  });

  it("names createdAfter when after is invalid", () => {
    expect(() => toApiRange("2026-02-30", "2026-03-01")).toThrow(/^createdAfter must be a Date or a YYYY-MM-DD date, got "2026-02-30"$/);
  });

  it("names createdBefore when before is invalid", () => {
    expect(() => toApiRange("2026-03-01", new Date(Number.NaN))).toThrow(/^createdBefore is an invalid Date$/);
  });
});

describe("date properties", () => {
  const apiDate = fc.date({ min: new Date("1000-01-01T00:00:00.000Z"), max: new Date("9999-12-31T23:59:59.999Z"), noInvalidDate: true });
  const apiDay = apiDate.map((date) => date.toISOString().slice(0, 10));

  it("formats any Date in years 1000–9999 as its UTC YYYY-MM-DD", () => {
    fc.assert(
      fc.property(apiDate, (date) => {
        const day = toApiDate(date, "createdAfter");
        expect(day).toMatch(DAY);
        expect(Date.parse(`${day}T00:00:00Z`)).toBeLessThanOrEqual(date.getTime());
        expect(date.getTime() - Date.parse(`${day}T00:00:00Z`)).toBeLessThan(86_400_000);
      }),
    );
  });

  it("passes any valid day string through unchanged", () => {
    fc.assert(
      fc.property(apiDay, (day) => {
        expect(toApiDate(day, "createdAfter")).toBe(day);
      }),
    );
  });

  it("keeps the order of any two Dates a ≤ b", () => {
    fc.assert(
      fc.property(apiDate, apiDate, (x, y) => {
        const [a, b] = x <= y ? [x, y] : [y, x];
        const range = toApiRange(a, b);
        expect(range.after).toMatch(DAY);
        expect(range.before).toMatch(DAY);
        expect((range.after ?? "") <= (range.before ?? "")).toBe(true);
      }),
    );
  });

  it("throws for any two Dates a > b on different UTC days", () => {
    fc.assert(
      fc.property(apiDate, apiDate, (x, y) => {
        fc.pre(x.toISOString().slice(0, 10) !== y.toISOString().slice(0, 10));
        const [a, b] = x > y ? [x, y] : [y, x];
        expect(() => toApiRange(a, b)).toThrow(InvalidArgumentError);
      }),
    );
  });

  it("agrees with day order for any two day strings", () => {
    fc.assert(
      fc.property(apiDay, apiDay, (a, b) => {
        if (a <= b) expect(toApiRange(a, b)).toEqual({ after: a, before: b });
        else expect(() => toApiRange(a, b)).toThrow(InvalidArgumentError);
      }),
    );
  });
});

describe("listFilter", () => {
  it("sends days to a flavor whose list takes dates, and the whole UTC days as date-times to one whose list takes date-times", () => {
    expect(listFilter({ after: "2026-01-01", before: "2026-01-31" }, "date")).toEqual({ CreatedAfter: "2026-01-01", CreatedBefore: "2026-01-31" });
    expect(listFilter({ after: "2026-01-01", before: "2026-01-31" }, "date-time")).toEqual({
      CreatedAfter: "2026-01-01T00:00:00Z",
      CreatedBefore: "2026-01-31T23:59:59Z",
    });
    expect(listFilter({ before: "2026-01-31" }, "date-time")).toEqual({ CreatedBefore: "2026-01-31T23:59:59Z" });
    expect(listFilter({}, "date")).toEqual({});
  });
});
