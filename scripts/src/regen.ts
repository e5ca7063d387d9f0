import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { loadFlavors } from "./flavors.ts";
import { renderAll, writeFiles } from "./pipeline.ts";
import { formatReport, specChanges, staleChangesets } from "./spec-changes.ts";
import { SpecError } from "./spec-error.ts";

/**
 * `pnpm regen`: the one command after a change to specs/ — merge, generate, then spec:diff.
 * `pnpm spec:diff`: classify each merged spec's changes since the package's last release (or `--base <ref>`)
 * and write its one pending changeset. `pnpm spec:diff --check` (CI): fail when a pending changeset is not
 * what the spec changes call for.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      root: { type: "string" },
      base: { type: "string" },
      "diff-only": { type: "boolean", default: false },
      check: { type: "boolean", default: false },
    },
  });
  const root = resolve(values.root ?? join(import.meta.dirname, "..", ".."));
  if (values.check) {
    const stale = staleChangesets(root, loadFlavors(root), values.base);
    if (stale.length > 0) {
      console.error(`Spec changes without the changeset they call for:\n${stale.map((line) => `  ${line}`).join("\n")}`);
      process.exitCode = 1;
    } else console.log("Every spec change has its changeset.");
    return;
  }
  if (!values["diff-only"]) {
    const changed = writeFiles(root, await renderAll(root));
    console.log(changed.length === 0 ? "Generated files: none changed." : `Generated files: wrote ${changed.join(", ")}`);
  }
  console.log(formatReport(specChanges(root, loadFlavors(root), values.base)));
}

main().catch((error: unknown) => {
  console.error(error instanceof SpecError ? `error: ${error.message}` : error);
  process.exitCode = 1;
});
