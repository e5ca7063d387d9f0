import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { flavorRegistries } from "./flavor-registries.ts";
import { loadFlavors } from "./flavors.ts";
import { generatePackage, type GeneratedFile } from "./generate.ts";
import { mergedSpecFile, mergeSpec } from "./merge-specs.ts";
import { releaseDiffLinks, releaseDiffs } from "./release-diffs.ts";
import { SpecError } from "./spec-error.ts";

/** Everything `pnpm generate` produces: each flavor's merged spec and its generated package, the diffs between consecutive releases, and the registries of the packages that serve every flavor. */
export async function renderAll(root: string): Promise<GeneratedFile[]> {
  const files: GeneratedFile[] = [];
  const flavors = loadFlavors(root);
  const specs = new Map<string, string>();
  for (const flavor of flavors) {
    const specText = mergeSpec(root, flavor);
    specs.set(flavor.id, specText);
    files.push({ path: mergedSpecFile(flavor), content: specText }, ...(await generatePackage(root, flavor, specText, releaseDiffLinks(flavor, flavors))));
  }
  return [...files, ...releaseDiffs(flavors, specs), ...flavorRegistries(root, flavors)];
}

function read(root: string, path: string): string | undefined {
  const absolute = join(root, path);
  return existsSync(absolute) ? readFileSync(absolute, "utf8") : undefined;
}

/** Files whose content on disk differs from what the pipeline produces. */
export function staleFiles(root: string, files: readonly GeneratedFile[]): string[] {
  return files.filter((file) => read(root, file.path) !== file.content).map((file) => file.path);
}

/** Writes the files that changed; returns their paths. */
export function writeFiles(root: string, files: readonly GeneratedFile[]): string[] {
  const changed = staleFiles(root, files);
  for (const path of changed) {
    const absolute = join(root, path);
    mkdirSync(dirname(absolute), { recursive: true });
    writeFileSync(absolute, files.find((file) => file.path === path)!.content);
  }
  return changed;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { root: { type: "string" }, check: { type: "boolean", default: false } } });
  const root = resolve(values.root ?? join(import.meta.dirname, "..", ".."));
  const files = await renderAll(root);
  if (values.check) {
    const stale = staleFiles(root, files);
    if (stale.length > 0) {
      console.error(`Generated files are out of date; run \`pnpm generate\`:\n${stale.map((path) => `  ${path}`).join("\n")}`);
      process.exitCode = 1;
    } else console.log(`${files.length} generated files are up to date.`);
    return;
  }
  const newPackages = files.filter((file) => file.path.endsWith("/package.json") && read(root, file.path) === undefined);
  const changed = writeFiles(root, files);
  console.log(
    changed.length === 0
      ? `${files.length} generated files, none changed.`
      : `Wrote ${changed.length} of ${files.length} generated files:\n${changed.map((path) => `  ${path}`).join("\n")}`,
  );
  if (newPackages.length > 0) console.log("New packages were created: run `pnpm install` to link them into the workspace.");
}

if (import.meta.main) {
  main().catch((error: unknown) => {
    console.error(error instanceof SpecError ? `error: ${error.message}` : error);
    process.exitCode = 1;
  });
}
