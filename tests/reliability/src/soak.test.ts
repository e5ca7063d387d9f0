import { describe, expect, it } from "vitest";
import { runSoak } from "./soak.ts";

describe("soak (seeded; `pnpm soak` runs 1,000 jobs)", () => {
  it("downloads 90 jobs through 10 % random faults, every file byte-identical to the sandbox's result", async () => {
    const result = await runSoak({ jobs: 90, seed: 11 });
    expect(result.failures).toEqual([]);
    expect(result.mismatches).toBe(0);
    expect(result.faults).toBeGreaterThan(result.requests * 0.05);
    expect(result.bytes).toBeGreaterThan(90 * 1_500 * 40);
  });
});
