import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { publishedPackages } from "./packages.js";

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
