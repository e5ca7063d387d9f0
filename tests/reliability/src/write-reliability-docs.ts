import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { FAULTS, OPERATIONS, renderReliability, runCell, type CellResult } from "./fault-matrix.ts";
import { FLAVOR_NAMES, startReliabilitySandbox } from "./harness.ts";

/** Runs the fault matrix and writes docs/reliability.md. */
const sandbox = await startReliabilitySandbox();
const results: CellResult[] = [];
try {
  for (const flavor of FLAVOR_NAMES) {
    for (let faultIndex = 0; faultIndex < FAULTS.length; faultIndex += 1) {
      for (const operation of OPERATIONS) results.push(await runCell(sandbox, flavor, faultIndex, operation, results.length + 1));
    }
  }
} finally {
  await sandbox.close();
}
const unexpected = results.filter((result) => result.outcome !== result.expected.outcome || result.strayFiles.length > 0);
for (const result of unexpected) console.error(`unexpected: ${result.flavor} ${result.fault} ${result.operation}: ${result.outcome} ${result.message}`);
const file = join(import.meta.dirname, "..", "..", "..", "docs", "reliability.md");
writeFileSync(file, renderReliability(results));
console.log(`Wrote ${file}: ${results.length} cells, ${unexpected.length} unexpected.`);
process.exitCode = unexpected.length > 0 ? 1 : 0;
