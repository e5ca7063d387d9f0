import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { flavorTraits } from "./flavor-traits.ts";
import { rebasePaths } from "./rebase-paths.ts";

/** The semver bump a spec change calls for. */
export type Level = "major" | "minor" | "patch";

export interface SpecChange {
  level: Level;
  /** Where, e.g. `GET /Jobs/{JobId}` or `components.schemas.Job.Status`. */
  where: string;
  message: string;
  /** The rule that rated it: a `redocly diff` rule id, or `sdk-traits` for the SDK's own. */
  rule?: string;
}

// biome-ignore lint/suspicious/noExplicitAny: an OpenAPI document read as plain JSON.
type Json = Record<string, any>;

const LEVELS: Level[] = ["patch", "minor", "major"];

export function maxLevel(changes: readonly SpecChange[]): Level | undefined {
  return changes.reduce<Level | undefined>(
    (max, change) => (max === undefined || LEVELS.indexOf(change.level) > LEVELS.indexOf(max) ? change.level : max),
    undefined,
  );
}

const METHODS = new Set(["get", "put", "post", "delete", "patch", "head", "options", "trace"]);

/**
 * A JSON Pointer of a spec as people read it: `#/paths/~1Jobs~1{JobId}/get/responses/200` is
 * `GET /Jobs/{JobId} responses 200`, `#/components/schemas/Job/properties/Status` is `components.schemas.Job.Status`.
 */
export function readablePointer(pointer: string): string {
  const segments = pointer
    .replace(/^#\/?/, "")
    .split("/")
    .filter(Boolean)
    .map((segment) => segment.replaceAll("~1", "/").replaceAll("~0", "~"));
  if (segments[0] === "paths" && segments[1] !== undefined) {
    const [, path, method, ...rest] = segments;
    const operation = method !== undefined && METHODS.has(method) ? `${method.toUpperCase()} ${path}` : [path, method].filter(Boolean).join(" ");
    return [operation, ...(METHODS.has(method ?? "") ? rest : [])]
      .join(" ")
      .replace(/ properties /g, ".")
      .trim();
  }
  return segments.filter((segment) => segment !== "properties").join(".");
}

interface RedoclyChange {
  path: string;
  typeName: string;
  kind: "added" | "removed" | "modified";
  impact: string;
  property?: string;
  verdicts: Array<{ ruleId: string; impact: string; message: string }>;
  base?: { value?: unknown };
  revision?: { value?: unknown };
}

const require = createRequire(import.meta.url);

const levelOf = (impact: string): Level => (LEVELS.includes(impact as Level) ? (impact as Level) : "patch");

/** `redocly diff` (the Redocly CLI's diff engine) between two documents, as its JSON report's changes. */
function redoclyDiff(before: Json, after: Json): RedoclyChange[] {
  const dir = mkdtempSync(join(tmpdir(), "impactkit-spec-diff-"));
  try {
    const [base, revision] = [join(dir, "base.json"), join(dir, "revision.json")];
    writeFileSync(base, JSON.stringify(before));
    writeFileSync(revision, JSON.stringify(after));
    const output = execFileSync(
      process.execPath,
      [require.resolve("@redocly/cli/bin/cli.js"), "diff", base, revision, "--format", "json", "--fail-on", "none", "--lint-config", "off"],
      {
        encoding: "utf8",
        env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
        stdio: ["ignore", "pipe", "pipe"],
        maxBuffer: 256 * 1024 * 1024,
      },
    );
    return (JSON.parse(output) as { changes: RedoclyChange[] }).changes;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A flavor's traits, or `undefined` for a document that is not a flavor's merged spec (its paths under the account's base path). */
function traitsOf(document: Json): Json | undefined {
  const paths = Object.keys((document["paths"] ?? {}) as Json);
  const basePath = paths.find((path) => path.endsWith("/Jobs/{JobId}"))?.slice(0, -"/Jobs/{JobId}".length);
  if (basePath === undefined || !paths.every((path) => path.startsWith(`${basePath}/`)) || !paths.some((path) => path.startsWith(`${basePath}/ReportExport/`)))
    return undefined;
  return flavorTraits(rebasePaths(document as { paths: Record<string, Json>; components: Record<string, Json> }, basePath, "spec"), "spec") as Json;
}

const added = (was: unknown, now: unknown): unknown[] => (Array.isArray(was) && Array.isArray(now) ? now.filter((item) => !was.includes(item)) : []);
const removed = (was: unknown, now: unknown): unknown[] => added(now, was);

/**
 * The bump a changed trait calls for. A trait says what the change means for jobs, the sandbox and the CLI;
 * it never makes an addition major: a Job field, a ReportExport parameter or report discovery appearing, a
 * required ReportExport parameter no longer required, are minor. So is any change of the daily export limits —
 * appearing, higher, lower or gone: the server enforces its quota whatever the SDK counts, so code built on the
 * last release sends and reads the same; the SDK only refuses sooner (or no longer) what the server would refuse.
 * Anything else a trait says changes what existing calls send or how they read the answer (other rate-limit
 * headers, ClickExport elsewhere, another date format…): major.
 */
function traitLevel(name: string, was: unknown, now: unknown): Level {
  switch (name) {
    case "jobFields":
    case "reportParams":
      return removed(was, now).length > 0 ? "major" : "minor";
    case "requiredReportParams":
      return added(was, now).length > 0 ? "major" : "minor";
    case "reportDiscovery":
      return was === null ? "minor" : "major";
    case "dailyExportLimits":
      return "minor";
    default:
      return "major";
  }
}

/**
 * The SDK's own rule, beyond the diff engine's: a change of the traits `pnpm generate` reads from a flavor's
 * spec (rate-limit header names, where ClickExport lives, how refusals come…) changes what jobs, the sandbox
 * and the CLI do with every call, whatever the types say — rated by `traitLevel`.
 */
function traitChanges(before: Json, after: Json): SpecChange[] {
  const [was, now] = [traitsOf(before), traitsOf(after)];
  if (!was || !now) return [];
  return Object.keys({ ...was, ...now })
    .filter((name) => !isDeepStrictEqual(was[name], now[name]))
    .map((name) => ({
      level: traitLevel(name, was[name], now[name]),
      where: `SPEC.traits.${name}`,
      message: `${JSON.stringify(was[name])} became ${JSON.stringify(now[name])}: jobs, the sandbox and the CLI act on it`,
      rule: "sdk-traits",
    }));
}

/**
 * The SDK's second rule: an enum value removed where the diff engine rates it below major (a response's,
 * which a server no longer sends) still breaks the build of code that compares with it — `case "UploadAds":`
 * over the generated union no longer compiles — so it is major.
 */
function removedEnumValues(change: RedoclyChange, where: string): SpecChange | undefined {
  if (change.kind !== "modified" || change.property !== "enum" || change.verdicts.some((verdict) => verdict.impact === "major")) return undefined;
  const [was, now] = [change.base?.value, change.revision?.value];
  if (!Array.isArray(was) || !Array.isArray(now)) return undefined;
  const removed = was.filter((value) => !now.includes(value));
  if (removed.length === 0) return undefined;
  return {
    level: "major",
    where,
    message: `Enum lost values: ${removed.map((value) => `'${String(value)}'`).join(", ")}; code comparing with them no longer compiles`,
    rule: "sdk-enum-value-removed",
  };
}

/**
 * Classifies every difference between two OpenAPI 3.1 documents with `redocly diff`, whose rules rate
 * each change by the semver bump it calls for (a removed operation or response field, a newly required
 * input, a narrowed type, a response enum value added — which breaks an exhaustive `switch` over the
 * generated union — are major; additions minor; documentation a patch), plus the SDK's own rules: a
 * changed flavor trait, and a removed enum value of a response.
 */
export function diffSpecs(before: Json, after: Json): SpecChange[] {
  const changes = redoclyDiff(before, after).flatMap((change): SpecChange[] => {
    const where = readablePointer(change.path);
    const removed = removedEnumValues(change, where);
    if (removed) return [removed];
    if (change.verdicts.length > 0)
      return change.verdicts.map((verdict) => ({ level: levelOf(verdict.impact), where, message: verdict.message, rule: verdict.ruleId }));
    return [{ level: levelOf(change.impact), where, message: `${change.property ?? change.typeName} ${change.kind}` }];
  });
  return [...traitChanges(before, after), ...changes];
}
