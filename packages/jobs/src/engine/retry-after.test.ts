import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_RETRY_AFTER_MS, parseHttpDate, parseRetryAfter } from "./retry-after.js";

const NOW = Date.parse("2026-01-15T12:00:00Z");

describe("parseRetryAfter", () => {
  it("caps at an hour by default", () => {
    expect(MAX_RETRY_AFTER_MS).toBe(3_600_000);
  });

  it.each([
    ["120", 120_000],
    ["0", 0],
    ["1", 1_000],
    [" 30 ", 30_000],
    ["1.5", 1_500],
    ["0.25", 250],
    ["007", 7_000],
  ])("reads the delay-seconds %j as %d ms", (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });

  it("reads an HTTP-date in the future as the time until it", () => {
    expect(parseRetryAfter("Thu, 15 Jan 2026 12:02:00 GMT", NOW)).toBe(120_000);
  });

  it("reads an HTTP-date relative to now", () => {
    expect(parseRetryAfter("Thu, 15 Jan 2026 12:02:00 GMT", NOW + 30_000)).toBe(90_000);
  });

  it("reads an HTTP-date in the past as 0", () => {
    expect(parseRetryAfter("Thu, 15 Jan 2026 11:00:00 GMT", NOW)).toBe(0);
  });

  it("reads an HTTP-date equal to now as 0", () => {
    expect(parseRetryAfter("Thu, 15 Jan 2026 12:00:00 GMT", NOW)).toBe(0);
  });

  it("reads the obsolete RFC 850 date form", () => {
    expect(parseRetryAfter("Thursday, 15-Jan-26 12:01:00 GMT", NOW)).toBe(60_000);
  });

  it("reads the obsolete asctime date form as UTC", () => {
    expect(parseRetryAfter("Thu Jan 15 12:01:00 2026", NOW)).toBe(60_000);
  });

  it("clamps delay-seconds to an hour", () => {
    expect(parseRetryAfter("7200", NOW)).toBe(3_600_000);
    expect(parseRetryAfter("3600", NOW)).toBe(3_600_000);
    expect(parseRetryAfter("3599", NOW)).toBe(3_599_000);
  });

  it("clamps an HTTP-date to an hour", () => {
    expect(parseRetryAfter("Fri, 16 Jan 2026 12:00:00 GMT", NOW)).toBe(3_600_000);
  });

  it("clamps to a given maxMs", () => {
    expect(parseRetryAfter("120", NOW, 10_000)).toBe(10_000);
    expect(parseRetryAfter("5", NOW, 10_000)).toBe(5_000);
    expect(parseRetryAfter("Thu, 15 Jan 2026 12:02:00 GMT", NOW, 60_000)).toBe(60_000);
  });

  it("allows a maxMs above the default", () => {
    expect(parseRetryAfter("7200", NOW, 10_000_000)).toBe(7_200_000);
  });

  it.each([[null], [undefined]])("returns undefined for an absent header (%s)", (value) => {
    expect(parseRetryAfter(value, NOW)).toBeUndefined();
  });

  it.each(["soon", "-5", "", "   ", "+5", "1e3", "12abc", "5 seconds", "2026-01-15", "1,5", ".5"])("returns undefined for the unreadable %j", (value) => {
    expect(parseRetryAfter(value, NOW)).toBeUndefined();
  });

  it.each(["soon 5", "a 2026"])("returns undefined for %j, which is not an HTTP-date", (value) => {
    expect(parseRetryAfter(value, NOW)).toBeUndefined();
  });
});

describe("parseRetryAfter properties", () => {
  const now = fc.integer({ min: 0, max: 4_102_444_800_000 });

  it("reads any whole number of seconds n as min(n·1000, maxMs)", () => {
    fc.assert(
      fc.property(fc.nat(), now, (seconds, at) => {
        expect(parseRetryAfter(String(seconds), at)).toBe(Math.min(seconds * 1000, MAX_RETRY_AFTER_MS));
      }),
    );
  });

  it("reads any whole number of seconds n as min(n·1000, maxMs) for any maxMs", () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), (seconds, maxMs) => {
        expect(parseRetryAfter(String(seconds), NOW, maxMs)).toBe(Math.min(seconds * 1000, maxMs));
      }),
    );
  });

  it("reads any HTTP-date (a four-digit year) as a delay within [0, maxMs]", () => {
    fc.assert(
      fc.property(fc.date({ min: new Date("1000-01-01T00:00:00.000Z"), max: new Date("9999-12-31T23:59:59.000Z"), noInvalidDate: true }), now, (date, at) => {
        const delay = parseRetryAfter(date.toUTCString(), at);
        expect(delay).toBeDefined();
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(MAX_RETRY_AFTER_MS);
      }),
    );
  });

  it("reads any four-digit-year Date's toUTCString() as the whole seconds until it, clamped", () => {
    fc.assert(
      fc.property(fc.date({ min: new Date("1000-01-01T00:00:00.000Z"), max: new Date("9999-12-31T23:59:59.999Z"), noInvalidDate: true }), now, (date, at) => {
        const seconds = date.getTime() - date.getUTCMilliseconds();
        expect(parseRetryAfter(date.toUTCString(), at)).toBe(Math.min(Math.max(0, seconds - at), MAX_RETRY_AFTER_MS));
      }),
    );
  });

  it("reads a date shortly after now as the exact delay", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3_600 }), (seconds) => {
        expect(parseRetryAfter(new Date(NOW + seconds * 1000).toUTCString(), NOW)).toBe(seconds * 1000);
      }),
    );
  });
});

describe("parseHttpDate (RFC 9110 §5.6.7)", () => {
  it("reads the three forms as UTC, whatever the local time zone", () => {
    const expected = Date.UTC(1994, 10, 6, 8, 49, 37);
    expect(parseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT")).toBe(expected);
    expect(parseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT")).toBe(expected);
    expect(parseHttpDate("Sun Nov  6 08:49:37 1994")).toBe(expected);
  });

  it("refuses what is not an HTTP-date", () => {
    for (const text of ["soon 5", "a 2026", "2026-11-25T10:00:00Z", "Sun, 31 Feb 2026 08:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT"])
      expect(parseHttpDate(text)).toBeUndefined();
  });
});
