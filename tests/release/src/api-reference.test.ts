import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO } from "./packages.js";

const TYPEDOC = join(import.meta.dirname, "..", "node_modules", "typedoc", "bin", "typedoc");
const out = mkdtempSync(join(tmpdir(), "impactkit-api-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Every file under `dir`, relative to it. */
const files = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1));

describe("the API reference (TypeDoc, typedoc.json)", () => {
  it("builds for every public package with no warning (warnings are errors) and documents the entry points", () => {
    const output = execFileSync(process.execPath, [TYPEDOC, "--options", join(REPO, "typedoc.json"), "--out", out], {
      cwd: REPO,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 240_000,
    });
    expect(output).not.toMatch(/warning|error/i);
    const built = files(out);
    expect(built).toContain("index.html");
    const pages = built
      .filter((file) => file.endsWith(".html"))
      .map((file) => readFileSync(join(out, file), "utf8"))
      .join("\n");
    for (const name of ["createJobs", "jobsContext", "columnTypes", "createExportWorker", "startSandbox", "PollEngine", "createZendeskJobs", "JobFailedError"])
      expect(pages, name).toContain(name);
  });
});
