import { describe, expect, it } from "vitest";
import { DEFAULT_PLAN, phaseAt, resolvePlan } from "./job-plan.js";

const plan = resolvePlan(DEFAULT_PLAN, { queueMs: 1_000, runMs: 4_000, retryMs: 900_000 });

describe("phaseAt", () => {
  it("walks QUEUED → RUNNING (with progress) → COMPLETED", () => {
    expect(phaseAt(plan, 0, 999)).toEqual({ status: "QUEUED" });
    expect(phaseAt(plan, 0, 1_000)).toEqual({ status: "RUNNING", fraction: 0, attempt: 1 });
    expect(phaseAt(plan, 0, 3_000)).toEqual({ status: "RUNNING", fraction: 0.5, attempt: 1 });
    expect(phaseAt(plan, 0, 5_000)).toEqual({ status: "COMPLETED", at: 5_000, startedAt: 1_000 });
  });

  it("retries an ERROR after the retry interval and then completes", () => {
    const flaky = resolvePlan(plan, { errors: 2 });
    expect(phaseAt(flaky, 0, 5_000)).toEqual({ status: "ERROR", since: 5_000, attempt: 1 });
    expect(phaseAt(flaky, 0, 905_000)).toEqual({ status: "RUNNING", fraction: 0, attempt: 2 });
    expect(phaseAt(flaky, 0, 909_000)).toMatchObject({ status: "ERROR", attempt: 2 });
    expect(phaseAt(flaky, 0, 1_809_000)).toMatchObject({ status: "RUNNING", attempt: 3 });
    expect(phaseAt(flaky, 0, 1_813_000)).toEqual({ status: "COMPLETED", at: 1_813_000, startedAt: 1_809_000 });
  });

  it("moves to FAILED after the last unsuccessful try, as after 5 on impact.com", () => {
    const failing = resolvePlan(plan, { errors: 5, outcome: "FAILED" });
    expect(phaseAt(failing, 0, 4 * 904_000 + 1_000 + 3_999)).toMatchObject({ status: "RUNNING", attempt: 5 });
    expect(phaseAt(failing, 0, 4 * 904_000 + 5_000)).toEqual({ status: "FAILED", at: 4 * 904_000 + 5_000, startedAt: 4 * 904_000 + 1_000 });
    expect(phaseAt(resolvePlan(plan, { outcome: "FAILED" }), 0, 5_000)).toEqual({ status: "FAILED", at: 5_000, startedAt: 1_000 });
  });

  it("rejects impossible plans", () => {
    expect(() => resolvePlan(plan, { runMs: -1 })).toThrow(/runMs must be a finite number of 0 or more/);
    expect(() => resolvePlan(plan, { rows: 1.5 })).toThrow(/whole numbers/);
    expect(() => resolvePlan(plan, { outcome: "DONE" as "COMPLETED" })).toThrow(/outcome must be COMPLETED or FAILED/);
  });
});
