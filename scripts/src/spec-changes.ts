import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Flavor } from "./flavors.ts";
import { sha256 } from "./generate.ts";
import { mergedSpecFile } from "./merge-specs.ts";
import { diffSpecs, maxLevel, type Level, type SpecChange } from "./spec-diff.ts";

export interface FlavorReport {
  flavor: Flavor;
  /** The git ref the spec was compared with. */
  base: string;
  changes: SpecChange[];
  level: Level | undefined;
  /** The changeset written, repository-relative. */
  changeset: string | undefined;
}

function git(root: string, args: string[]): string | undefined {
  try {
    return execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return undefined;
  }
}

/** The ref to compare with: the package's last release tag (changesets tags `<name>@<version>`), else origin/main, else HEAD. */
export function baseRef(root: string, flavor: Flavor): string {
  return git(root, ["describe", "--tags", "--abbrev=0", "--match", `${flavor.package}@*`]) || (git(root, ["rev-parse", "--verify", "--quiet", "origin/main"]) ? "origin/main" : "HEAD");
}

/** The merged spec of a flavor at a git ref, or `undefined` where it did not exist. */
export function specAt(root: string, ref: string, flavor: Flavor): string | undefined {
  return git(root, ["show", `${ref}:${mergedSpecFile(flavor)}`]);
}

/**
 * Writes the changeset of a regenerated package: its bump is the largest change's, its body (which
 * becomes the CHANGELOG entry) lists what changed in the spec. Named after the new spec, so running
 * again rewrites the same file.
 */
export function writeChangeset(root: string, flavor: Flavor, changes: readonly SpecChange[], before: string | undefined, after: string): string | undefined {
  const level = maxLevel(changes);
  if (!level) return undefined;
  const file = `.changeset/spec-${flavor.id}-${sha256(after).slice(0, 8)}.md`;
  const from = before === undefined ? "a new package" : `sha256 ${sha256(before).slice(0, 12)}`;
  const lines = [
    "---",
    `"${flavor.package}": ${level}`,
    "---",
    "",
    `Regenerated from the ${flavor.title} spec (${from} → sha256 ${sha256(after).slice(0, 12)}). Spec changes:`,
    "",
    ...changes.map((change) => `- ${change.level}: ${change.where}: ${change.message}`),
    "",
  ];
  mkdirSync(join(root, ".changeset"), { recursive: true });
  writeFileSync(join(root, file), lines.join("\n"));
  return file;
}

/** Compares each flavor's merged spec with its state at `base` (default: see `baseRef`) and writes changesets. */
export function specChanges(root: string, flavors: readonly Flavor[], base?: string): FlavorReport[] {
  return flavors.map((flavor) => {
    const ref = base ?? baseRef(root, flavor);
    const before = specAt(root, ref, flavor);
    const after = readFileSync(join(root, mergedSpecFile(flavor)), "utf8");
    const changes: SpecChange[] = before === undefined ? [{ level: "minor", where: flavor.package, message: "new API flavor package" }] : before === after ? [] : diffSpecs(JSON.parse(before), JSON.parse(after));
    return { flavor, base: ref, changes, level: maxLevel(changes), changeset: writeChangeset(root, flavor, changes, before, after) };
  });
}

export function formatReport(reports: readonly FlavorReport[]): string {
  return reports
    .map(({ flavor, base, changes, level, changeset }) =>
      [`${flavor.package} (spec compared with ${base}): ${level ?? "no change"}${changeset ? ` → ${changeset}` : ""}`, ...changes.map((change) => `  ${change.level.padEnd(5)} ${change.where}: ${change.message}`)].join("\n"),
    )
    .join("\n");
}
