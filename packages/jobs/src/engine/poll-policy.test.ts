import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_POLL_POLICY } from "../base/defaults.js";
import type { PollPolicy } from "../base/defaults.js";
import { pollDelay, resolvePollPolicy } from "./poll-policy.js";
import { InvalidArgumentError } from "../base/errors.js";

const fixed = (value: number) => (): number => value;
const policy = DEFAULT_POLL_POLICY;

describe("DEFAULT_POLL_POLICY", () => {
  it("waits 6 s first, then 1 s growing by 1.6 up to 30 s, with 20 % jitter", () => {
    expect(DEFAULT_POLL_POLICY).toEqual({ firstDelayMs: 6_000, minDelayMs: 1_000, maxDelayMs: 30_000, factor: 1.6, jitter: 0.2 });
  });
});

describe("pollDelay", () => {
  it.each([
    [0, 4_800],
    [0.25, 5_400],
    [0.5, 6_000],
    [0.75, 6_600],
    [0.999_999, 7_200],
  ])("waits firstDelayMs before the first check, jittered by random %d", (random, expected) => {
    expect(pollDelay(policy, 1, fixed(random))).toBe(expected);
  });

  it("treats attempt 0 and below as the first check", () => {
    expect(pollDelay(policy, 0, fixed(0.5))).toBe(6_000);
    expect(pollDelay(policy, -3, fixed(0.5))).toBe(6_000);
  });

  it.each([
    [2, 1_000],
    [3, 1_600],
    [4, 2_560],
    [5, 4_096],
    [6, 6_554],
    [7, 10_486],
    [8, 16_777],
    [9, 26_844],
    [10, 30_000],
    [50, 30_000],
    [10_000, 30_000],
  ])("waits min(maxDelayMs, minDelayMs·1.6^(k-2)) before check %d, unjittered at random 0.5", (attempt, expected) => {
    expect(pollDelay(policy, attempt, fixed(0.5))).toBe(expected);
  });

  it.each([
    [2, 0, 800],
    [2, 0.999_999, 1_200],
    [4, 0, 2_048],
    [4, 0.25, 2_304],
    [10, 0, 24_000],
    [10, 0.999_999, 36_000],
  ])("jitters check %d at random %d to %d", (attempt, random, expected) => {
    expect(pollDelay(policy, attempt, fixed(random))).toBe(expected);
  });

  it("calls random once per delay", () => {
    let calls = 0;
    pollDelay(policy, 3, () => {
      calls += 1;
      return 0.5;
    });
    expect(calls).toBe(1);
  });

  it("does not jitter with jitter 0", () => {
    const steady = resolvePollPolicy({ jitter: 0 });
    expect(pollDelay(steady, 4, fixed(0))).toBe(2_560);
    expect(pollDelay(steady, 4, fixed(0.9))).toBe(2_560);
  });

  it("stays at minDelayMs with factor 1", () => {
    const flat = resolvePollPolicy({ factor: 1, jitter: 0 });
    expect([2, 3, 10, 100].map((attempt) => pollDelay(flat, attempt, fixed(0.5)))).toEqual([1_000, 1_000, 1_000, 1_000]);
  });

  it("aims just after the estimated end (5 % past it), jittered only later", () => {
    expect(pollDelay(policy, 10, fixed(0.5), { percent: 50, runningMs: 6_000 })).toBe(6_930);
    expect(pollDelay(policy, 10, fixed(0.5), { percent: 75, runningMs: 9_000 })).toBe(3_465);
    expect(pollDelay(policy, 10, fixed(0), { percent: 50, runningMs: 6_000 })).toBe(6_300);
    expect(pollDelay(policy, 10, fixed(0.999_999), { percent: 50, runningMs: 6_000 })).toBe(7_560);
  });

  it("never aims below minDelayMs", () => {
    expect(pollDelay(policy, 10, fixed(0.5), { percent: 90, runningMs: 900 })).toBe(1_100);
    expect(pollDelay(policy, 10, fixed(0), { percent: 99, runningMs: 10 })).toBe(1_000);
  });

  it("never lengthens the delay", () => {
    expect(pollDelay(policy, 2, fixed(0.5), { percent: 10, runningMs: 10_000 })).toBe(1_000);
    expect(pollDelay(policy, 10, fixed(0.5), { percent: 1, runningMs: 60_000 })).toBe(30_000);
  });

  it("shortens the first delay too", () => {
    expect(pollDelay(policy, 1, fixed(0.5), { percent: 50, runningMs: 2_000 })).toBe(2_310);
  });

  it.each([
    { percent: 0, runningMs: 6_000 },
    { percent: 100, runningMs: 6_000 },
    { percent: -5, runningMs: 6_000 },
    { percent: 150, runningMs: 6_000 },
    { percent: 50, runningMs: 0 },
    { percent: 50, runningMs: -1 },
  ])("ignores the progress hint %j", (progress) => {
    expect(pollDelay(policy, 10, fixed(0.5), progress)).toBe(30_000);
  });
});

describe("resolvePollPolicy", () => {
  it("returns the defaults when nothing is given", () => {
    expect(resolvePollPolicy()).toEqual(DEFAULT_POLL_POLICY);
    expect(resolvePollPolicy({})).toEqual(DEFAULT_POLL_POLICY);
  });

  it("fills what is not given from the defaults", () => {
    expect(resolvePollPolicy({ maxDelayMs: 60_000, jitter: 0 })).toEqual({ ...DEFAULT_POLL_POLICY, maxDelayMs: 60_000, jitter: 0 });
  });

  it("fills a field given as undefined from the defaults", () => {
    expect(resolvePollPolicy({ maxDelayMs: undefined })).toEqual(DEFAULT_POLL_POLICY);
  });

  it("does not change the defaults", () => {
    resolvePollPolicy({ firstDelayMs: 10 });
    expect(DEFAULT_POLL_POLICY.firstDelayMs).toBe(6_000);
  });

  it("accepts the edges of the valid ranges", () => {
    const edges: PollPolicy = { firstDelayMs: 0, minDelayMs: 5, maxDelayMs: 5, factor: 1, jitter: 0 };
    expect(resolvePollPolicy(edges)).toEqual(edges);
    expect(resolvePollPolicy({ jitter: 0.99 }).jitter).toBe(0.99);
    expect(resolvePollPolicy({ maxDelayMs: Number.POSITIVE_INFINITY }).maxDelayMs).toBe(Number.POSITIVE_INFINITY);
  });

  it.each<[string, Partial<PollPolicy>]>([
    ["a negative firstDelayMs", { firstDelayMs: -1 }],
    ["a zero minDelayMs", { minDelayMs: 0 }],
    ["a negative minDelayMs", { minDelayMs: -5 }],
    ["maxDelayMs below minDelayMs", { maxDelayMs: 999 }],
    ["a factor below 1", { factor: 0.9 }],
    ["a jitter of 1", { jitter: 1 }],
    ["a negative jitter", { jitter: -0.1 }],
    ["a NaN firstDelayMs", { firstDelayMs: Number.NaN }],
    ["a NaN minDelayMs", { minDelayMs: Number.NaN }],
    ["a NaN maxDelayMs", { maxDelayMs: Number.NaN }],
    ["a NaN factor", { factor: Number.NaN }],
    ["a NaN jitter", { jitter: Number.NaN }],
  ])("rejects %s with an InvalidArgumentError naming the field", (_, change) => {
    expect(() => resolvePollPolicy(change)).toThrow(InvalidArgumentError);
    expect(() => resolvePollPolicy(change)).toThrow(expect.objectContaining({ option: `policy.${Object.keys(change)[0]}` }));
    expect(() => resolvePollPolicy(change)).toThrow(/^invalid poll policy /);
  });
});

describe("pollDelay properties", () => {
  const random = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
  const attempt = fc.integer({ min: 1, max: 1_000 });
  const progress = fc.record({ percent: fc.double({ min: -10, max: 110, noNaN: true }), runningMs: fc.integer({ min: -1_000, max: 10_000_000 }) });
  const { firstDelayMs, minDelayMs, maxDelayMs, jitter } = DEFAULT_POLL_POLICY;

  it("keeps the first delay within firstDelayMs·[1 - jitter, 1 + jitter]", () => {
    fc.assert(
      fc.property(random, (r) => {
        const delay = pollDelay(policy, 1, fixed(r));
        expect(delay).toBeGreaterThanOrEqual((1 - jitter) * firstDelayMs);
        expect(delay).toBeLessThanOrEqual((1 + jitter) * firstDelayMs);
      }),
    );
  });

  it("keeps later delays within [(1 - jitter)·minDelayMs, (1 + jitter)·maxDelayMs], never 0", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 1_000 }), random, fc.option(progress, { nil: undefined }), (k, r, hint) => {
        const delay = pollDelay(policy, k, fixed(r), hint);
        expect(delay).toBeGreaterThan(0);
        expect(delay).toBeGreaterThanOrEqual((1 - jitter) * minDelayMs);
        expect(delay).toBeLessThanOrEqual((1 + jitter) * maxDelayMs);
      }),
    );
  });

  it("returns a whole number of ms", () => {
    fc.assert(
      fc.property(attempt, random, fc.option(progress, { nil: undefined }), (k, r, hint) => {
        expect(Number.isInteger(pollDelay(policy, k, fixed(r), hint))).toBe(true);
      }),
    );
  });

  it("never waits less for a later check at the same random", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 1_000 }), random, (k, r) => {
        expect(pollDelay(policy, k + 1, fixed(r))).toBeGreaterThanOrEqual(pollDelay(policy, k, fixed(r)));
      }),
    );
  });

  it("never waits longer with a progress hint", () => {
    fc.assert(
      fc.property(attempt, random, progress, (k, r, hint) => {
        expect(pollDelay(policy, k, fixed(r), hint)).toBeLessThanOrEqual(pollDelay(policy, k, fixed(r)));
      }),
    );
  });

  it("keeps delays within the jittered bounds of any valid policy", () => {
    const anyPolicy = fc
      .record({
        firstDelayMs: fc.integer({ min: 0, max: 120_000 }),
        minDelayMs: fc.integer({ min: 100, max: 60_000 }),
        extraMs: fc.integer({ min: 0, max: 600_000 }),
        factor: fc.double({ min: 1, max: 4, noNaN: true }),
        jitter: fc.double({ min: 0, max: 0.99, noNaN: true }),
      })
      .map(({ extraMs, ...rest }) => resolvePollPolicy({ ...rest, maxDelayMs: rest.minDelayMs + extraMs }));
    fc.assert(
      fc.property(anyPolicy, attempt, random, (p, k, r) => {
        const delay = pollDelay(p, k, fixed(r));
        const [low, high] = k === 1 ? [p.firstDelayMs, p.firstDelayMs] : [p.minDelayMs, p.maxDelayMs];
        expect(delay).toBeGreaterThanOrEqual((1 - p.jitter) * low - 0.5);
        expect(delay).toBeLessThanOrEqual((1 + p.jitter) * high + 0.5);
        if (k >= 2) expect(delay).toBeGreaterThan(0);
      }),
    );
  });
});
