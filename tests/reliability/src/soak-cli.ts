import { parseArgs } from "node:util";
import { runSoak } from "./soak.ts";

/** `pnpm soak [--jobs 1000] [--seed 7] [--probability 0.1]`: the full soak, with its figures. */
const { values } = parseArgs({
  options: { jobs: { type: "string", default: "1000" }, seed: { type: "string", default: "7" }, probability: { type: "string", default: "0.1" } },
});
const result = await runSoak({ jobs: Number(values.jobs), seed: Number(values.seed), probability: Number(values.probability) });
console.log(JSON.stringify(result, null, 2));
process.exitCode = result.mismatches === 0 && result.failures.length === 0 ? 0 : 1;
