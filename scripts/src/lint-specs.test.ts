import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadFlavors } from "./flavors.ts";
import { mergedSpecFile } from "./merge-specs.ts";
import { REPO_ROOT } from "./test-support.ts";

const redocly = createRequire(import.meta.url).resolve("@redocly/cli/bin/cli.js");

describe("Redocly lint (recommended ruleset)", () => {
  it.each(loadFlavors(REPO_ROOT).map((flavor) => [mergedSpecFile(flavor)]))("%s has 0 errors and 0 warnings", (file) => {
    const output = execFileSync(
      process.execPath,
      [redocly, "lint", "--config", join(REPO_ROOT, "specs/redocly.yaml"), "--format=json", join(REPO_ROOT, file)],
      {
        env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const report = JSON.parse(output) as { totals: { errors: number; warnings: number }; problems: unknown[] };
    expect(report.problems).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  });
});
