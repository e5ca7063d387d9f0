import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RateGate, readRateLimit, type RateLimitState } from "./rate-limit.js";

const NAMES = {
  partner: { limit: "X-RateLimit-Limit-hour", remaining: "X-RateLimit-Remaining-hour", reset: "RateLimit-Reset" },
  brand: { limit: "X-RateLimit-Limit", remaining: "X-RateLimit-Remaining", reset: "X-RateLimit-Reset" },
  agency: { limit: "X-RateLimit-Limit", remaining: "X-RateLimit-Remaining", reset: "X-RateLimit-Reset" },
} as const;

const NOW = Date.parse("2026-01-15T12:00:00Z");

const headers = (values: Record<string, string>): Headers => new Headers(values);

function reserveAll(gate: RateGate, times: number[]): number[] {
  return times.map((time) => gate.reserve(time).waitMs);
}

describe("readRateLimit (partner)", () => {
  it("reads the hourly headers and RateLimit-Reset in seconds from now", () => {
    const state = readRateLimit(
      headers({ "X-RateLimit-Limit-hour": "1000", "X-RateLimit-Remaining-hour": "998", "RateLimit-Reset": "1800" }),
      NAMES.partner,
      NOW,
    );
    expect(state).toEqual({ limit: 1000, remaining: 998, resetAt: NOW + 1_800_000 });
  });

  it("reads header names in any case", () => {
    const state = readRateLimit(headers({ "x-ratelimit-limit-hour": "10", "X-RATELIMIT-REMAINING-HOUR": "4", "ratelimit-reset": "60" }), NAMES.partner, NOW);
    expect(state).toEqual({ limit: 10, remaining: 4, resetAt: NOW + 60_000 });
  });

  it("ignores the brand/agency headers", () => {
    expect(
      readRateLimit(headers({ "X-RateLimit-Limit": "1000", "X-RateLimit-Remaining": "5", "X-RateLimit-Reset": "60" }), NAMES.partner, NOW),
    ).toBeUndefined();
  });
});

describe("readRateLimit (brand and agency)", () => {
  it.each(["brand", "agency"] as const)("reads X-RateLimit-Reset in seconds from now for %s", (api) => {
    const state = readRateLimit(headers({ "X-RateLimit-Limit": "3000", "X-RateLimit-Remaining": "2999", "X-RateLimit-Reset": "3599" }), NAMES[api], NOW);
    expect(state).toEqual({ limit: 3000, remaining: 2999, resetAt: NOW + 3_599_000 });
  });

  it("reads X-RateLimit-Reset as epoch seconds when it is at least 1e9", () => {
    const reset = String(NOW / 1000 + 600);
    const state = readRateLimit(headers({ "X-RateLimit-Limit": "3000", "X-RateLimit-Remaining": "10", "X-RateLimit-Reset": reset }), NAMES.agency, NOW);
    expect(state).toEqual({ limit: 3000, remaining: 10, resetAt: NOW + 600_000 });
  });

  it("reads 1e9 exactly as epoch seconds and one less as seconds from now", () => {
    const at = (reset: string) => readRateLimit(headers({ "X-RateLimit-Remaining": "1", "X-RateLimit-Reset": reset }), NAMES.brand, NOW)?.resetAt;
    expect(at("1000000000")).toBe(1_000_000_000_000);
    expect(at("999999999")).toBe(NOW + 999_999_999_000);
  });

  it("ignores the partner headers", () => {
    const partner = headers({ "X-RateLimit-Limit-hour": "1000", "X-RateLimit-Remaining-hour": "998", "RateLimit-Reset": "1800" });
    expect(readRateLimit(partner, NAMES.brand, NOW)).toBeUndefined();
  });

  it("reads a fractional reset", () => {
    expect(readRateLimit(headers({ "X-RateLimit-Remaining": "3", "X-RateLimit-Reset": "1.5" }), NAMES.brand, NOW)?.resetAt).toBe(NOW + 1_500);
  });

  it("reads a reset of 0 as now", () => {
    expect(readRateLimit(headers({ "X-RateLimit-Remaining": "3", "X-RateLimit-Reset": "0" }), NAMES.brand, NOW)?.resetAt).toBe(NOW);
  });
});

describe("readRateLimit (missing or garbage headers)", () => {
  it("returns a state without a limit when the limit is missing", () => {
    expect(readRateLimit(headers({ "X-RateLimit-Remaining": "7", "X-RateLimit-Reset": "30" }), NAMES.brand, NOW)).toEqual({
      limit: undefined,
      remaining: 7,
      resetAt: NOW + 30_000,
    });
  });

  it("returns a state without a limit when the limit is garbage", () => {
    const state = readRateLimit(headers({ "X-RateLimit-Limit": "lots", "X-RateLimit-Remaining": "7", "X-RateLimit-Reset": "30" }), NAMES.brand, NOW);
    expect(state?.limit).toBeUndefined();
    expect(state?.remaining).toBe(7);
  });

  it("reads a negative remaining as 0", () => {
    expect(readRateLimit(headers({ "X-RateLimit-Remaining": "-3", "X-RateLimit-Reset": "30" }), NAMES.brand, NOW)?.remaining).toBe(0);
  });

  it.each([
    [{}],
    [{ "X-RateLimit-Limit": "1000" }],
    [{ "X-RateLimit-Remaining": "5" }],
    [{ "X-RateLimit-Reset": "60" }],
    [{ "X-RateLimit-Remaining": "many", "X-RateLimit-Reset": "60" }],
    [{ "X-RateLimit-Remaining": "5", "X-RateLimit-Reset": "soon" }],
    [{ "X-RateLimit-Remaining": "5", "X-RateLimit-Reset": "-1" }],
    [{ "X-RateLimit-Remaining": "5", "X-RateLimit-Reset": "Infinity" }],
    [{ "X-RateLimit-Remaining": "5", "X-RateLimit-Reset": "Thu, 15 Jan 2026 12:02:00 GMT" }],
  ])("returns undefined for %j", (values) => {
    expect(readRateLimit(headers(values), NAMES.brand, NOW)).toBeUndefined();
  });

  it("returns undefined for an empty Remaining header rather than reading it as 0", () => {
    expect(readRateLimit(headers({ "X-RateLimit-Remaining": "", "X-RateLimit-Reset": "60" }), NAMES.brand, NOW)).toBeUndefined();
  });

  it("returns undefined for an empty Reset header rather than reading it as 0", () => {
    expect(readRateLimit(headers({ "X-RateLimit-Remaining": "5", "X-RateLimit-Reset": "" }), NAMES.brand, NOW)).toBeUndefined();
  });
});

describe("RateGate", () => {
  it("lets everything through without a state", () => {
    const gate = new RateGate();
    expect(reserveAll(gate, [NOW, NOW, NOW, NOW + 5])).toEqual([0, 0, 0, 0]);
  });

  it("keeps no state after noting undefined", () => {
    const gate = new RateGate();
    gate.note(undefined);
    expect(reserveAll(gate, [NOW, NOW])).toEqual([0, 0]);
  });

  it("lets requests through while more than half the budget is left", () => {
    const gate = new RateGate();
    gate.note({ limit: 1000, remaining: 600, resetAt: NOW + 60_000 });
    expect(reserveAll(gate, [NOW, NOW, NOW])).toEqual([0, 0, 0]);
  });

  it("spaces requests by (resetAt - now) / remaining once below half the budget", () => {
    const gate = new RateGate();
    gate.note({ limit: 1000, remaining: 400, resetAt: NOW + 40_000 });
    expect(reserveAll(gate, [NOW, NOW, NOW, NOW])).toEqual([0, 100, 200, 300]);
  });

  it("starts spacing when its own reservations take the budget below half", () => {
    const gate = new RateGate();
    gate.note({ limit: 10, remaining: 6, resetAt: NOW + 12_000 });
    expect(reserveAll(gate, [NOW, NOW, NOW, NOW, NOW])).toEqual([0, 0, 0, 3_000, 6_000]);
  });

  it("treats fewer than 50 remaining as below half when the limit is unknown", () => {
    const gate = new RateGate();
    gate.note({ limit: undefined, remaining: 10, resetAt: NOW + 10_000 });
    expect(reserveAll(gate, [NOW, NOW, NOW])).toEqual([0, 1_000, 2_000]);
  });

  it("lets requests through with 50 or more remaining when the limit is unknown", () => {
    const gate = new RateGate();
    gate.note({ limit: undefined, remaining: 50, resetAt: NOW + 10_000 });
    expect(reserveAll(gate, [NOW, NOW])).toEqual([0, 0]);
  });

  it("does not hold back a request made after its slot", () => {
    const gate = new RateGate();
    gate.note({ limit: 1000, remaining: 400, resetAt: NOW + 40_000 });
    expect(reserveAll(gate, [NOW, NOW, NOW + 1_000])).toEqual([0, 100, 0]);
  });

  it("waits until resetAt when nothing remains", () => {
    const gate = new RateGate();
    gate.note({ limit: 1000, remaining: 0, resetAt: NOW + 30_000 });
    expect(gate.reserve(NOW).waitMs).toBe(30_000);
    expect(gate.reserve(NOW + 10_000).waitMs).toBe(20_000);
    expect(gate.reserve(NOW + 31_000).waitMs).toBe(0);
  });

  it("does not wait for a reset that has passed", () => {
    const gate = new RateGate();
    gate.note({ limit: 1000, remaining: 0, resetAt: NOW - 1_000 });
    expect(reserveAll(gate, [NOW, NOW])).toEqual([0, 0]);
  });

  it("uses the latest state noted", () => {
    const gate = new RateGate();
    gate.note({ limit: 1000, remaining: 0, resetAt: NOW + 30_000 });
    gate.note({ limit: 1000, remaining: 900, resetAt: NOW + 30_000 });
    expect(gate.reserve(NOW).waitMs).toBe(0);
  });

  it("counts its reservations against the noted budget", () => {
    const gate = new RateGate();
    const state: RateLimitState = { limit: 1000, remaining: 400, resetAt: NOW + 40_000 };
    gate.note(state);
    reserveAll(gate, [NOW, NOW, NOW]);
    expect(gate.budget(NOW)!.remaining).toBe(397);
    // Once the hour it spoke of has renewed, it says nothing until an answer does.
    expect(gate.budget(NOW + 40_000)).toBeUndefined();
  });

  it("delays everything until a pause ends", () => {
    const gate = new RateGate();
    gate.pause(NOW + 5_000);
    expect(reserveAll(gate, [NOW, NOW, NOW + 2_000, NOW + 6_000])).toEqual([5_000, 5_000, 3_000, 0]);
  });

  it("does not shorten a pause with an earlier one", () => {
    const gate = new RateGate();
    gate.pause(NOW + 5_000);
    gate.pause(NOW + 1_000);
    expect(gate.reserve(NOW).waitMs).toBe(5_000);
  });

  it("extends a pause with a later one", () => {
    const gate = new RateGate();
    gate.pause(NOW + 5_000);
    gate.pause(NOW + 8_000);
    expect(gate.reserve(NOW).waitMs).toBe(8_000);
  });

  it("spaces requests from the end of a pause", () => {
    const gate = new RateGate();
    gate.note({ limit: 1000, remaining: 400, resetAt: NOW + 40_000 });
    gate.pause(NOW + 10_000);
    expect(reserveAll(gate, [NOW, NOW])).toEqual([10_000, 10_075]);
  });
});

describe("rate limit properties", () => {
  const state = fc.record({
    limit: fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: undefined }),
    remaining: fc.oneof(
      fc.integer({ min: 0, max: 10_000 }),
      fc.integer({ min: 0, max: 400 }).map((quarters) => quarters / 4),
    ),
    resetAt: fc.integer({ min: NOW - 60_000, max: NOW + 3_600_000 }),
  });
  const step = fc.oneof(
    { arbitrary: fc.constant({ kind: "reserve" as const }), weight: 4 },
    { arbitrary: state.map((noted) => ({ kind: "note" as const, state: noted })), weight: 1 },
    { arbitrary: fc.integer({ min: NOW - 60_000, max: NOW + 600_000 }).map((until) => ({ kind: "pause" as const, until })), weight: 1 },
  );

  it("never asks to wait a negative time, and successive waits at the same now never decrease", () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const gate = new RateGate();
        let previous = 0;
        for (const action of steps) {
          if (action.kind === "note") gate.note({ ...action.state });
          else if (action.kind === "pause") gate.pause(action.until);
          else {
            const wait = gate.reserve(NOW).waitMs;
            expect(wait).toBeGreaterThanOrEqual(0);
            expect(wait).toBeGreaterThanOrEqual(previous);
            previous = wait;
          }
        }
      }),
    );
  });

  it("never asks to wait a negative time as time moves on", () => {
    fc.assert(
      fc.property(state, fc.array(fc.integer({ min: 0, max: 10_000 }), { maxLength: 60 }), (noted, steps) => {
        const gate = new RateGate();
        gate.note({ ...noted });
        let now = NOW;
        for (const elapsed of steps) {
          now += elapsed;
          const wait = gate.reserve(now).waitMs;
          expect(wait).toBeGreaterThanOrEqual(0);
          expect(Number.isFinite(wait)).toBe(true);
        }
      }),
    );
  });

  it("reads any whole-number headers below the epoch threshold as seconds from now", () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 0, max: 999_999_999 }), fc.nat(), (remaining, reset, limit) => {
        const values = { "X-RateLimit-Limit": String(limit), "X-RateLimit-Remaining": String(remaining), "X-RateLimit-Reset": String(reset) };
        expect(readRateLimit(headers(values), NAMES.brand, NOW)).toEqual({ limit, remaining, resetAt: NOW + reset * 1000 });
      }),
    );
  });
});

describe("RateGate counts requests in flight", () => {
  it("subtracts the requests still unanswered from what an answer says is left, so a burst cannot overshoot it", () => {
    const gate = new RateGate();
    gate.note({ limit: 100, remaining: 100, resetAt: NOW + 10_000 });
    // Eight requests go out at once; the first answer says 99 are left: the server has not counted the other seven yet.
    expect(
      reserveAll(
        gate,
        Array.from({ length: 8 }, () => NOW),
      ),
    ).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    gate.note({ limit: 100, remaining: 99, resetAt: NOW + 10_000 });
    expect(gate.budget(NOW)!.remaining).toBe(92);
    gate.note(undefined);
    expect(gate.budget(NOW)!.remaining).toBe(92);
    for (let index = 0; index < 6; index += 1) gate.note({ limit: 100, remaining: 93, resetAt: NOW + 10_000 });
    expect(gate.budget(NOW)!.remaining).toBe(93);
  });

  it("says pacing began once per budget window", () => {
    const gate = new RateGate();
    gate.note({ limit: 10, remaining: 6, resetAt: NOW + 12_000 });
    expect([0, 1, 2, 3].map(() => gate.reserve(NOW).pacingStarted)).toEqual([false, false, true, false]);
    gate.note({ limit: 10, remaining: 3, resetAt: NOW + 3_612_000 });
    expect(gate.reserve(NOW).pacingStarted).toBe(true);
    expect(gate.budget(NOW + 3_612_000)).toBeUndefined();
  });
});
