import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { publishedPackages, REPO } from "./packages.js";

const CHANGESET = join(REPO, "node_modules", "@changesets", "cli", "bin.js");
const copy = mkdtempSync(join(tmpdir(), "impactkit-changesets-"));
afterAll(() => rmSync(copy, { recursive: true, force: true }));

/** The pending changesets, as the release workflow's `changeset version` would apply them. */
function pending(): Array<{ packages: string[]; summary: string }> {
  return readdirSync(join(REPO, ".changeset"))
    .filter((name) => name.endsWith(".md") && name !== "README.md")
    .map((name) => {
      const [, front = "", summary = ""] = /^---\n([^]*?)\n---\n([^]*)$/.exec(readFileSync(join(REPO, ".changeset", name), "utf8")) ?? [];
      return { packages: [...front.matchAll(/^"([^"]+)":/gm)].map((match) => match[1]!), summary: summary.trim() };
    });
}

describe("the changelogs the release writes (changeset version)", () => {
  it("gives every published package a CHANGELOG.md with its new version and each of its changesets", () => {
    // What `changeset version` reads: the workspace's package.json files and the changesets.
    for (const file of ["package.json", "pnpm-workspace.yaml"]) cpSync(join(REPO, file), join(copy, file));
    cpSync(join(REPO, ".changeset"), join(copy, ".changeset"), { recursive: true });
    const workspaces = [
      "scripts",
      "bench",
      "examples",
      ...["packages", "tests"].flatMap((folder) => readdirSync(join(REPO, folder)).map((name) => join(folder, name))),
    ];
    for (const workspace of workspaces.filter((dir) => existsSync(join(REPO, dir, "package.json")))) {
      mkdirSync(join(copy, workspace), { recursive: true });
      cpSync(join(REPO, workspace, "package.json"), join(copy, workspace, "package.json"));
    }
    execFileSync(process.execPath, [CHANGESET, "version"], { cwd: copy, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    const changesets = pending();
    expect(changesets.length).toBeGreaterThan(0);
    for (const pkg of publishedPackages()) {
      const dir = pkg.dir.replace(REPO, copy);
      const changelog = readFileSync(join(dir, "CHANGELOG.md"), "utf8");
      const version = (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string }).version;
      expect(changelog, pkg.name).toMatch(new RegExp(`^# ${pkg.name.replace("/", "\\/")}\\n\\n## ${version.replaceAll(".", "\\.")}\\n`));
      expect(version, pkg.name).not.toBe(pkg.version);
      for (const changeset of changesets.filter((entry) => entry.packages.includes(pkg.name)))
        expect(changelog, pkg.name).toContain(changeset.summary.split("\n")[0]!);
    }
  });
});
