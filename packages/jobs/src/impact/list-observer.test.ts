import { describe, expect, it } from "vitest";
import { ListObserver } from "./list-observer.js";
import { DEFAULT_POLL_POLICY } from "../base/defaults.js";
import { RateGate } from "../engine/rate-limit.js";
import { createCallContext } from "../http/call-context.js";
import { SPEC } from "@impactkit/partner-v15";
import { VirtualTiming } from "../testing.js";

/** An observer over `watched` jobs whose reads are never made (only its pace is under test). */
function observer(watched: number, gate = new RateGate()) {
  const timing = new VirtualTiming();
  const call = createCallContext({ timing, host: "api.impact.test", gate, rateLimitHeaders: SPEC.traits.rateLimitHeaders, retries: 0 });
  const made = new ListObserver(
    call,
    DEFAULT_POLL_POLICY,
    { list: () => Promise.reject(new Error("unused")), get: () => Promise.reject(new Error("unused")) },
    () => undefined,
  );
  for (let index = 0; index < watched; index += 1) made.open(`job-${index}`, timing.now());
  return { made, now: timing.now() };
}

describe("ListObserver.tick: how often the Jobs list is asked for", () => {
  it("one minDelayMs per waiting job while few wait, capped by half the documented 1,000 an hour spread until the reset", () => {
    for (const [watched, tick] of [
      [2, 2_000],
      [5, 5_000],
      [300, 7_200],
      [10_000, 7_200],
    ] as const) {
      const { made, now } = observer(watched);
      expect([watched, made.tick(now)]).toEqual([watched, tick]);
    }
  });

  it("follows the budget the API reports, and paces even two waits once half of it is spent (none left: at the reset)", () => {
    const gate = new RateGate();
    const { made, now } = observer(2, gate);
    gate.note({ limit: 1_000, remaining: 900, resetAt: now + 3_600_000 });
    expect(made.tick(now)).toBe(2_000);
    gate.note({ limit: 1_000, remaining: 300, resetAt: now + 1_800_000 });
    expect(made.tick(now)).toBe(12_000);
    gate.note({ limit: 1_000, remaining: 0, resetAt: now + 60_000 });
    expect(made.tick(now)).toBe(60_000);
  });
});
