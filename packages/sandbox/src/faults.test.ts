import { describe, expect, it } from "vitest";
import { FaultPlan, faultFits } from "./faults.js";

describe("FaultPlan", () => {
  it("hands out scripted faults in order, per route and job, the given number of times", () => {
    const plan = new FaultPlan();
    plan.inject({ route: "getJob", fault: { kind: "status", status: 503 }, times: 2 });
    plan.inject({ route: "getJob", fault: { kind: "reset" }, jobId: "j2" });
    expect(plan.take("listJobs", undefined)).toBeUndefined();
    expect(plan.take("getJob", "j1")).toEqual({ kind: "status", status: 503 });
    expect(plan.take("getJob", "j1")).toEqual({ kind: "status", status: 503 });
    expect(plan.take("getJob", "j1")).toBeUndefined();
    expect(plan.take("getJob", "j2")).toEqual({ kind: "reset" });
  });

  it("draws random faults from a seed: the same seed, the same faults", () => {
    const draw = () => {
      const plan = new FaultPlan();
      plan.random({ probability: 0.3, seed: 42, faults: [{ kind: "status", status: 500 }, { kind: "expired-url" }] });
      return Array.from({ length: 200 }, () => plan.take("downloadJob", undefined)?.kind ?? "-");
    };
    const first = draw();
    expect(draw()).toEqual(first);
    const hits = first.filter((kind) => kind !== "-").length;
    expect(hits).toBeGreaterThan(35);
    expect(hits).toBeLessThan(85);
    expect(new Set(first)).toEqual(new Set(["-", "status", "expired-url"]));
  });

  it("only puts a fault where it can happen", () => {
    expect(faultFits({ kind: "expired-url" }, "getJob")).toBe(false);
    expect(() => new FaultPlan().inject({ route: "storage", fault: { kind: "unknown-status" } })).toThrow("a unknown-status fault cannot happen on storage");
    expect(() => new FaultPlan().random({ probability: 2, seed: 1, faults: [] })).toThrow(RangeError);
  });
});
