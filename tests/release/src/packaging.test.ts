import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { publishedPackages, REPO } from "./packages.js";

const bin = (name: string, path: string) => join(import.meta.dirname, "..", "node_modules", name, path);
const PUBLINT = bin("publint", "src/cli.js");
const ATTW = bin("@arethetypeswrong/cli", "dist/index.js");

function run(args: string[]): { code: number; output: string } {
  try {
    return { code: 0, output: execFileSync(process.execPath, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }) };
  } catch (error) {
    const failure = error as { status: number; stdout: string; stderr: string };
    return { code: failure.status, output: `${failure.stdout}${failure.stderr}` };
  }
}

/** The ESM-only profile ignores node10 and CommonJS `require` resolution: these packages are ESM only. */
describe.each(publishedPackages().map((pkg) => [pkg.name, pkg]))("%s installs cleanly", (_name, pkg) => {
  it("passes publint --strict", () => {
    const { code, output } = run([PUBLINT, "--strict", pkg.dir]);
    expect(output).toContain("All good!");
    expect(code).toBe(0);
  });

  it("passes attw --pack with the ESM-only profile", () => {
    const { code, output } = run([ATTW, "--pack", pkg.dir, "--profile", "esm-only", "--format", "json"]);
    const report = JSON.parse(output.slice(output.indexOf("{"))) as { analysis?: { problems?: Array<{ kind: string; resolutionKind?: string }> } };
    const ignoredByProfile = new Set(["node10", "node16-cjs"]);
    expect((report.analysis?.problems ?? []).filter((problem) => !ignoredByProfile.has(problem.resolutionKind ?? ""))).toEqual([]);
    expect(code).toBe(0);
  });
});

/**
 * What npm needs to publish with provenance (it refuses, E422, a package whose `repository` does not name
 * the repository the build ran in: https://docs.npmjs.com/generating-provenance-statements), and what a
 * user of the package expects to find: the license text, where the code and the issues are, and runtime
 * dependencies as ranges, so that an application shares one copy with its other dependencies.
 */
describe.each(publishedPackages().map((pkg) => [pkg.name, pkg]))("%s is publishable", (_name, pkg) => {
  const json = JSON.parse(readFileSync(join(pkg.dir, "package.json"), "utf8")) as Record<string, any>;

  it("names its repository, folder, homepage and issues", () => {
    expect(json["repository"]).toEqual({ type: "git", url: "git+https://github.com/impactkit/impactkit.git", directory: `packages/${basename(pkg.dir)}` });
    expect(json["homepage"]).toBe(`https://github.com/impactkit/impactkit/tree/main/packages/${basename(pkg.dir)}#readme`);
    expect(json["bugs"]).toBe("https://github.com/impactkit/impactkit/issues");
    expect(json["license"]).toBe("MIT");
  });

  it("packs the LICENSE, the README and no test files", () => {
    const [packed] = JSON.parse(
      execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: pkg.dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }),
    ) as Array<{ files: Array<{ path: string }> }>;
    const files = packed!.files.map((file) => file.path);
    expect(files).toContain("LICENSE");
    expect(files).toContain("README.md");
    expect(readFileSync(join(pkg.dir, "LICENSE"), "utf8")).toBe(readFileSync(join(REPO, "LICENSE"), "utf8"));
    expect(files.filter((file) => /\.test(-d)?\.ts$/.test(file))).toEqual([]);
  });

  it("takes its runtime dependencies as ranges (the lockfile keeps CI exact)", () => {
    const exact = Object.entries((json["dependencies"] ?? {}) as Record<string, string>).filter(([, spec]) => /^\d/.test(spec));
    expect(exact).toEqual([]);
  });
});
