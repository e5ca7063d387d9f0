import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { renderAll, writeFiles } from "./pipeline.ts";
import { scratchRoot } from "./test-support.ts";

const REGEN = join(import.meta.dirname, "regen.ts");

describe("pnpm regen after editing a source fragment", () => {
  const scratch = scratchRoot(true);
  const git = (...args: string[]) => execFileSync("git", args, { cwd: scratch.root, encoding: "utf8" });
  afterAll(() => scratch.dispose());

  it("regenerates the spec and the types and writes a changeset whose bump matches the change", async () => {
    writeFiles(scratch.root, await renderAll(scratch.root));
    git("init", "-q");
    git("-c", "user.name=t", "-c", "user.email=t@t", "add", "-A");
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "release");

    const source = join(scratch.root, "specs/sources/partner-v15/jobs.json");
    const fragment = JSON.parse(readFileSync(source, "utf8"));
    fragment.paths["/Mediapartners/{AccountSID}/Jobs"].get.parameters.push({ name: "Status", in: "query", required: false, description: "Only jobs in this status.", schema: { type: "string" } });
    scratch.write("specs/sources/partner-v15/jobs.json", fragment);
    const model = JSON.parse(readFileSync(join(scratch.root, "specs/sources/partner-v15/job-model.json"), "utf8"));
    model.components.schemas.Job.properties.Type.enum = model.components.schemas.Job.properties.Type.enum.filter((type: string) => type !== "UploadAds");
    scratch.write("specs/sources/partner-v15/job-model.json", model);

    const output = execFileSync(process.execPath, [REGEN, "--root", scratch.root], { encoding: "utf8" });
    expect(output).toContain("@impactkit/partner-v15 (spec compared with HEAD): major → .changeset/spec-partner-v15-");
    expect(output).toContain("@impactkit/agency-v3 (spec compared with HEAD): no change");

    const changed = git("diff", "--name-only").trim().split("\n").sort();
    expect(changed).toEqual(
      ["docs/api-diff/partner-v15-to-v16.md", "packages/partner-v15/README.md", "packages/partner-v15/package.json", "packages/partner-v15/src/generated/schema.ts", "packages/partner-v15/src/generated/spec.ts", "specs/partner-v15.openapi.json", "specs/sources/partner-v15/job-model.json", "specs/sources/partner-v15/jobs.json"].sort(),
    );
    const schemaDiff = git("diff", "packages/partner-v15/src/generated/schema.ts");
    expect(schemaDiff).toMatch(/^\+\s+Status\?: string;$/m);
    expect(schemaDiff).toMatch(/^-.*"UploadAds"/m);

    const changesets = readdirSync(join(scratch.root, ".changeset")).filter((name) => name.startsWith("spec-"));
    expect(changesets).toHaveLength(1);
    const changeset = readFileSync(join(scratch.root, ".changeset", changesets[0]!), "utf8");
    expect(changeset.startsWith('---\n"@impactkit/partner-v15": major\n---\n')).toBe(true);
    expect(changeset).toContain("- minor: GET /Jobs parameters 2: Parameter added");
    expect(changeset).toMatch(/^- major: .*\.Type anyOf 0: Enum lost values: 'UploadAds'; code comparing with them no longer compiles$/m);

    const again = execFileSync(process.execPath, [REGEN, "--root", scratch.root], { encoding: "utf8" });
    expect(again).toContain("Generated files: none changed.");
    expect(readdirSync(join(scratch.root, ".changeset")).filter((name) => name.startsWith("spec-"))).toEqual(changesets);
  });
});
