import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { loadFlavors } from "./flavors.ts";
import { renderAll, writeFiles } from "./pipeline.ts";
import { formatReport, specChanges } from "./spec-changes.ts";
import { SpecError } from "./spec-error.ts";

/**
 * `pnpm spec:diff`: classify each merged spec's changes since a ref and write changesets.
 * `pnpm regen`: the one command after editing specs/sources — merge, generate, then spec:diff.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { root: { type: "string" }, base: { type: "string" }, "diff-only": { type: "boolean", default: false } } });
  const root = resolve(values.root ?? join(import.meta.dirname, "..", ".."));
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
