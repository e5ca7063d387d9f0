import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { machineEnv } from "@impactkit/testing";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const FIXTURES = join(import.meta.dirname, "..", "fixtures");
const bin = (name: string) => join(ROOT, "node_modules", ".bin", name);

/** Runs one of the repository's tools, as `pnpm lint` does, and returns its exit code and output. */
function run(tool: string, args: readonly string[], cwd = ROOT): { status: number | null; output: string } {
  const result = spawnSync(bin(tool), args, { cwd, env: machineEnv(), encoding: "utf8", maxBuffer: 64 << 20 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

const DEPCRUISE_ARGS = ["--config", join(ROOT, ".dependency-cruiser.cjs"), "--output-type", "err"];

describe("Biome: one format and the lint rules, over the repository", () => {
  it("finds nothing to change or fix in the repository (biome ci)", () => {
    const { status, output } = run("biome", ["ci", "--colors=off", "."]);
    expect(status, output).toBe(0);
  });

  // The fixtures' biome.jsonc extends the repository's configuration: the same rules, on files the repository leaves out.
  it("fails a file that is not formatted", () => {
    const { status, output } = run("biome", ["ci", "--colors=off", "format"], FIXTURES);
    expect(status).not.toBe(0);
    expect(output).toMatch(/format\/misformatted\.ts format/);
  });

  it("fails a file that breaks a lint rule (a debugger statement, ==)", () => {
    const { status, output } = run("biome", ["ci", "--colors=off", "lint"], FIXTURES);
    expect(status).not.toBe(0);
    expect(output).toContain("lint/suspicious/noDebugger");
    expect(output).toContain("lint/suspicious/noDoubleEquals");
  });
});

describe("dependency-cruiser: layers, no cycles, no test code in shipped code, for every package", () => {
  it("finds no violation in the repository", () => {
    const { status, output } = run("depcruise", ["packages", "scripts/src", "testing/src", ...DEPCRUISE_ARGS]);
    expect(status, output).toBe(0);
    expect(output).toMatch(/no dependency violations found \(\d{3,} modules/);
  });

  it("reports each rule on a fixture that breaks it", () => {
    const { status, output } = run("depcruise", ["packages", ...DEPCRUISE_ARGS], join(FIXTURES, "deps"));
    expect(status).not.toBe(0);
    const broken = [...output.matchAll(/error ([a-z-]+): (\S+)/g)].map((match) => `${match[1]} ${match[2]}`).sort();
    expect(broken).toEqual([
      "layer-base packages/jobs/src/base/low.ts",
      "no-circular packages/jobs/src/ops/first.ts",
      "no-other-package-internals packages/cli/src/reaches-in.ts",
      "no-test-code-in-shipped-code packages/jobs/src/ops/uses-helper.ts",
      "no-test-libraries-in-shipped-code packages/jobs/src/ops/uses-helper.ts",
    ]);
  });
});

describe("turbo: a task's inputs are files git tracks", () => {
  // A build output among a task's inputs makes a task that runs beside the build hash it half-written, and the
  // second `pnpm test` with no change re-runs it.
  it("names no ignored file among any task's inputs", () => {
    const { status, output } = run("turbo", ["run", "typecheck", "test", "--dry=json"]);
    expect(status, output).toBe(0);
    const plan = JSON.parse(output.slice(output.indexOf("{"))) as { tasks: { directory: string; inputs: Record<string, string> }[] };
    const inputs = plan.tasks.flatMap((task) => Object.keys(task.inputs).map((file) => join(ROOT, task.directory, file)));
    expect(inputs.length).toBeGreaterThan(1000);
    const ignored = spawnSync("git", ["check-ignore", "--stdin"], { cwd: ROOT, input: inputs.join("\n"), encoding: "utf8" });
    expect(ignored.stdout.split("\n").filter(Boolean)).toEqual([]);
  });
});

describe("knip: no unused file, export or dependency", () => {
  it("finds none in the repository", () => {
    const { status, output } = run("knip", ["--no-progress", "--no-config-hints"]);
    expect(status, output).toBe(0);
  });

  it("reports an unused file, export and dependency in a fixture", () => {
    const { status, output } = run("knip", ["--no-progress", "--no-config-hints"], join(FIXTURES, "unused"));
    expect(status).not.toBe(0);
    expect(output).toMatch(/Unused files \(1\)\s+src\/orphan\.ts/);
    expect(output).toMatch(/Unused dependencies \(1\)\s+left-pad/);
    expect(output).toMatch(/Unused exports \(1\)\s+neverImported/);
  });
});
