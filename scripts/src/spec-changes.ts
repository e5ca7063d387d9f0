import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Flavor } from "./flavors.ts";
import { sha256 } from "./generate.ts";
import { mergedSpecFile } from "./merge-specs.ts";
import { diffSpecs, maxLevel, type Level, type SpecChange } from "./spec-diff.ts";

export interface FlavorReport {
  flavor: Flavor;
  /** The git ref the spec was compared with: the package's last release, or the one asked for; `undefined`: never released. */
  base: string | undefined;
  changes: SpecChange[];
  level: Level | undefined;
  /** The changeset written, repository-relative. */
  changeset: string | undefined;
  /** The pending changeset the changes call for (`undefined`: none). */
  text: string | undefined;
}

/** A git command's output as it is (a file's bytes keep their last newline), or `undefined` when it fails. */
function git(root: string, args: string[]): string | undefined {
  try {
    return execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], maxBuffer: 64 * 1024 * 1024 });
  } catch {
    return undefined;
  }
}

/**
 * The package's last release: the newest tag `changeset publish` made for it (`<name>@<version>`), or
 * `undefined` for a package never released — its first release publishes its spec as it is, under the
 * changeset that introduced it.
 */
function releaseRef(root: string, flavor: Flavor): string | undefined {
  return git(root, ["describe", "--tags", "--abbrev=0", "--match", `${flavor.package}@*`])?.trim() || undefined;
}

/** The merged spec of a flavor at a git ref, byte for byte, or `undefined` where it did not exist. */
function specAt(root: string, ref: string, flavor: Flavor): string | undefined {
  return git(root, ["show", `${ref}:${mergedSpecFile(flavor)}`]);
}

/** The one pending changeset of a package's spec changes: every regen rewrites it. */
const changesetFile = (flavor: Flavor): string => `.changeset/spec-${flavor.id}.md`;

/**
 * The changeset of a regenerated package: its bump is the largest of the changes since the package's last
 * release, its body (which becomes the CHANGELOG entry) lists them, from the released spec's digest (the
 * published `SPEC.sha256`) to the new one. `undefined` when the spec is as released.
 */
function changesetText(flavor: Flavor, changes: readonly SpecChange[], before: string | undefined, after: string): string | undefined {
  const level = maxLevel(changes);
  if (!level) return undefined;
  const from = before === undefined ? "a new package" : `sha256 ${sha256(before).slice(0, 12)}`;
  return [
    "---",
    `"${flavor.package}": ${level}`,
    "---",
    "",
    `Regenerated from the ${flavor.title} spec (${from} → sha256 ${sha256(after).slice(0, 12)}). Spec changes since the last release:`,
    "",
    ...changes.map((change) => `- ${change.level}: ${change.where}: ${change.message}`),
    "",
  ].join("\n");
}

/**
 * Writes (or, when the spec is back to its release, removes) a package's one pending spec changeset, and
 * removes the per-spec ones earlier regens left (`spec-<id>-<digest>.md`): they would pile up otherwise.
 */
function writeChangeset(root: string, flavor: Flavor, text: string | undefined): string | undefined {
  const dir = join(root, ".changeset");
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(dir)) if (name.startsWith(`spec-${flavor.id}-`) && name.endsWith(".md")) rmSync(join(dir, name));
  const file = changesetFile(flavor);
  if (text === undefined) {
    rmSync(join(root, file), { force: true });
    return undefined;
  }
  writeFileSync(join(root, file), text);
  return file;
}

/**
 * Each flavor's merged spec compared with its state at `base` (default: its last release, `releaseRef`): the
 * changes, classified, and the changeset they call for. A package never released, or new at `base`, has none
 * to write: its first release publishes the spec as it is.
 */
export function specReports(root: string, flavors: readonly Flavor[], base?: string): FlavorReport[] {
  return flavors.map((flavor) => {
    const ref = base ?? releaseRef(root, flavor);
    const before = ref === undefined ? undefined : specAt(root, ref, flavor);
    const after = readFileSync(join(root, mergedSpecFile(flavor)), "utf8");
    if (before === undefined) return { flavor, base: ref, changes: [], level: undefined, changeset: undefined, text: undefined };
    const changes = before === after ? [] : diffSpecs(JSON.parse(before), JSON.parse(after));
    return { flavor, base: ref, changes, level: maxLevel(changes), changeset: undefined, text: changesetText(flavor, changes, before, after) };
  });
}

/** `specReports`, each package's pending changeset written (or removed) to match. */
export function specChanges(root: string, flavors: readonly Flavor[], base?: string): FlavorReport[] {
  return specReports(root, flavors, base).map((report) => ({ ...report, changeset: writeChangeset(root, report.flavor, report.text) }));
}

/** The packages a pending changeset (`.changeset/*.md`) names in its front matter. */
function pendingPackages(root: string): Set<string> {
  const dir = join(root, ".changeset");
  const names = new Set<string>();
  if (!existsSync(dir)) return names;
  for (const file of readdirSync(dir).filter((name) => name.endsWith(".md") && name !== "README.md")) {
    const front = /^---\n([\s\S]*?)\n---/.exec(readFileSync(join(dir, file), "utf8"))?.[1] ?? "";
    for (const [, name] of front.matchAll(/^["']?([^"':\s]+)["']?\s*:/gm)) names.add(name!);
  }
  return names;
}

/**
 * What CI fails on (`pnpm spec:diff --check`): a released package whose spec changed since its release
 * without the pending changeset `pnpm regen` writes (or with an out-of-date one, or with one left after
 * the spec went back to its release); an unreleased package no pending changeset names.
 */
export function staleChangesets(root: string, flavors: readonly Flavor[], base?: string): string[] {
  const pending = pendingPackages(root);
  return specReports(root, flavors, base).flatMap((report) => {
    const { flavor } = report;
    if (report.base === undefined)
      return pending.has(flavor.package) ? [] : [`${flavor.package}: never released, and no pending changeset names it (its first release needs one)`];
    const path = join(root, changesetFile(flavor));
    const written = existsSync(path) ? readFileSync(path, "utf8") : undefined;
    if (written === report.text) return [];
    if (report.text === undefined)
      return [`${flavor.package}: ${changesetFile(flavor)} is pending but the spec is as released (${report.base}): run pnpm spec:diff`];
    return [
      `${flavor.package}: its spec changed since ${report.base} and ${changesetFile(flavor)} ${written === undefined ? "is missing" : "is out of date"}: run pnpm spec:diff`,
    ];
  });
}

export function formatReport(reports: readonly FlavorReport[]): string {
  return reports
    .map(({ flavor, base, changes, level, changeset }) =>
      base === undefined
        ? `${flavor.package}: never released; its first release publishes the spec as it is`
        : [
            `${flavor.package} (spec compared with ${base}): ${level ?? "no change"}${changeset ? ` → ${changeset}` : ""}`,
            ...changes.map((change) => `  ${change.level.padEnd(5)} ${change.where}: ${change.message}`),
          ].join("\n"),
    )
    .join("\n");
}

/**
 * The report of a sync as Markdown, for the body of its pull request: the upstream documents that changed,
 * each package's spec changes since main (`sinceMain`, with the bump each calls for), and the pending
 * changeset each package now has (`pending`: its changes since its last release).
 */
export function formatMarkdown(changedSources: readonly string[], sinceMain: readonly FlavorReport[], pending: readonly FlavorReport[]): string {
  const sections = sinceMain.map(({ flavor, level, changes }) =>
    [
      `### ${flavor.package}: ${level ?? "no change"}`,
      "",
      ...(changes.length === 0 ? ["No change to the merged spec."] : changes.map((change) => `- **${change.level}** \`${change.where}\`: ${change.message}`)),
      "",
    ].join("\n"),
  );
  const changesets = pending.map(({ flavor, base, level, changeset }) =>
    base === undefined
      ? `- \`${flavor.package}\`: never released; its first release publishes the spec as it is`
      : `- \`${flavor.package}\`: ${level ? `**${level}** since ${base} (\`${changeset}\`)` : `no change since ${base}`}`,
  );
  return [
    "## Upstream documents that changed",
    "",
    ...(changedSources.length === 0 ? ["None."] : changedSources.map((file) => `- \`${file}\``)),
    "",
    "## What changes in each package's spec",
    "",
    ...sections,
    "## Pending changesets",
    "",
    "Review the bump each package gets before merging: a changeset holds every change since the package's last release.",
    "",
    ...changesets,
    "",
  ].join("\n");
}
