import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadFlavors } from "./flavors.ts";
import { sha256 } from "./generate.ts";
import { renderAll, writeFiles } from "./pipeline.ts";
import { specChanges, staleChangesets } from "./spec-changes.ts";
import { releasedScratch } from "./test-support.ts";

type Json = Record<string, any>;

const REGEN = join(import.meta.dirname, "regen.ts");
const BASE = "/Mediapartners/{AccountSID}";
const CHANGESET = ".changeset/spec-partner-v15.md";

/**
 * Upstream-like edits of partner-v15's sources, each with the bump an SDK's users need: an addition is minor,
 * anything that breaks code compiled against the last release (a new value of a response enum an exhaustive
 * `switch` no longer covers, an input now required, a removed field, operation or parameter) is major, and
 * words alone are a patch.
 */
const ROWS: Array<[string, string, "major" | "minor" | "patch", (document: Json) => void]> = [
  [
    "add an optional Job field",
    "jobs.json",
    "minor",
    (d) => void (d.components.schemas.Job.properties.ExportedRows = { type: "integer", description: "Rows in the result." }),
  ],
  ["add a Status enum value", "jobs.json", "major", (d) => void d.components.schemas.Job.properties.Status.enum.push("PAUSED")],
  [
    "make an optional ReportExport query parameter required",
    "reports.json",
    "major",
    (d) => void (d.paths[`${BASE}/ReportExport/{Id}`].get.parameters.find((p: Json) => p.name === "SUBAID").required = true),
  ],
  ["remove a response field", "jobs.json", "major", (d) => void delete d.components.schemas.Job.properties.StatusMessage],
  [
    "add an optional request parameter",
    "jobs.json",
    "minor",
    (d) =>
      void d.paths[`${BASE}/Jobs`].get.parameters.push({
        name: "Status",
        in: "query",
        required: false,
        description: "Only jobs in this status.",
        schema: { type: "string" },
      }),
  ],
  [
    "add an operation",
    "jobs.json",
    "minor",
    (d) =>
      void (d.paths[`${BASE}/Jobs/{JobId}/Cancel`] = {
        put: {
          operationId: "cancelJob",
          summary: "Cancel a job",
          parameters: structuredClone(d.paths[`${BASE}/Jobs/{JobId}`].get.parameters),
          responses: { "200": { description: "The job.", content: { "application/json": { schema: { $ref: "#/components/schemas/Job" } } } } },
        },
      }),
  ],
  ["remove an operation", "reports.json", "major", (d) => void delete d.paths[`${BASE}/Reports/{Id}/MetaData`]],
  [
    "remove a parameter",
    "clicks.json",
    "major",
    (d) => void (d.paths[`${BASE}/ClickExport`].get.parameters = d.paths[`${BASE}/ClickExport`].get.parameters.filter((p: Json) => p.name !== "SubId")),
  ],
  ["change a description only", "jobs.json", "patch", (d) => void (d.components.schemas.Job.description = "A job, as the reference now words it.")],
];

describe("pnpm regen after upstream changes to a released package's sources", () => {
  const scratch = releasedScratch("1.2.0");
  const { git } = scratch;
  const edit = (file: string, change: (document: Json) => void) => {
    const path = join(scratch.root, "specs/sources/partner-v15", file);
    const document = JSON.parse(readFileSync(path, "utf8")) as Json;
    change(document);
    scratch.write(`specs/sources/partner-v15/${file}`, document);
  };
  const regen = async () => {
    writeFiles(scratch.root, await renderAll(scratch.root));
    return specChanges(scratch.root, loadFlavors(scratch.root)).find((report) => report.flavor.id === "partner-v15")!;
  };
  const released = () => JSON.parse(git("show", "HEAD:packages/partner-v15/package.json")).impactkit.specSha256 as string;

  beforeAll(() => scratch.setup());
  afterAll(() => scratch.dispose());

  it.each(ROWS)(
    "%s (%s) → %s",
    async (_name, file, bump, change) => {
      scratch.reset();
      edit(file, change);
      const report = await regen();
      expect(report.base).toBe("@impactkit/partner-v15@1.2.0");
      expect(report.level).toBe(bump);
      const changeset = readFileSync(join(scratch.root, CHANGESET), "utf8");
      expect(changeset.startsWith(`---\n"@impactkit/partner-v15": ${bump}\n---\n`)).toBe(true);
      expect(staleChangesets(scratch.root, loadFlavors(scratch.root))).toEqual([]);
    },
    60_000,
  );

  it("keeps one pending changeset per package: a second regen before the release raises its bump and lists both changes, from the released spec's digest", async () => {
    scratch.reset();
    edit("jobs.json", ROWS[0]![3]);
    expect((await regen()).level).toBe("minor");
    edit("jobs.json", ROWS[1]![3]);
    const report = await regen();
    expect(readdirSync(join(scratch.root, ".changeset")).filter((name) => name.startsWith("spec-"))).toEqual(["spec-partner-v15.md"]);
    const changeset = readFileSync(join(scratch.root, CHANGESET), "utf8");
    expect(changeset.startsWith('---\n"@impactkit/partner-v15": major\n---\n')).toBe(true);
    expect(changeset).toContain(
      `(sha256 ${released().slice(0, 12)} → sha256 ${sha256(readFileSync(join(scratch.root, "specs/partner-v15.openapi.json"), "utf8")).slice(0, 12)})`,
    );
    expect(changeset).toMatch(/^- minor: SPEC\.traits\.jobFields: /m);
    expect(changeset).toMatch(/^- major: .*Status: .*PAUSED/m);
    expect(report.changes.length).toBeGreaterThanOrEqual(2);

    const output = execFileSync(process.execPath, [REGEN, "--root", scratch.root], { encoding: "utf8" });
    expect(output).toContain("Generated files: none changed.");
    expect(output).toContain("@impactkit/partner-v15 (spec compared with @impactkit/partner-v15@1.2.0): major → .changeset/spec-partner-v15.md");
    expect(output).toContain("@impactkit/agency-v3: never released");
    expect(readFileSync(join(scratch.root, CHANGESET), "utf8")).toBe(changeset);
  }, 120_000);

  it("fails the check when the spec changed without its changeset, and when one is left after the spec went back", async () => {
    scratch.reset();
    edit("jobs.json", ROWS[8]![3]);
    writeFiles(scratch.root, await renderAll(scratch.root));
    expect(staleChangesets(scratch.root, loadFlavors(scratch.root))).toEqual([
      "@impactkit/partner-v15: its spec changed since @impactkit/partner-v15@1.2.0 and .changeset/spec-partner-v15.md is missing: run pnpm spec:diff",
    ]);
    git("rm", "-q", "--cached", ".changeset/first-release.md");
    expect(staleChangesets(scratch.root, loadFlavors(scratch.root))).toHaveLength(1);
    rmSync(join(scratch.root, ".changeset/first-release.md"));
    expect(staleChangesets(scratch.root, loadFlavors(scratch.root))).toContain(
      "@impactkit/brand: never released, and no pending changeset names it (its first release needs one)",
    );
    git("checkout", "-q", "HEAD", "--", ".changeset/first-release.md");
    const check = () => execFileSync(process.execPath, [REGEN, "--root", scratch.root, "--check"], { encoding: "utf8", stdio: "pipe" });
    expect(check).toThrow(/\.changeset\/spec-partner-v15\.md is missing/);
    await regen();
    git("checkout", "-q", "--", "specs");
    writeFiles(scratch.root, await renderAll(scratch.root));
    expect(existsSync(join(scratch.root, CHANGESET))).toBe(true);
    expect(staleChangesets(scratch.root, loadFlavors(scratch.root))[0]).toBe(
      "@impactkit/partner-v15: .changeset/spec-partner-v15.md is pending but the spec is as released (@impactkit/partner-v15@1.2.0): run pnpm spec:diff",
    );
  }, 120_000);
});
