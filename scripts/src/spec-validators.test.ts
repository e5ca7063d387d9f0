import { readFileSync } from "node:fs";
import { join } from "node:path";
import SwaggerParser from "@apidevtools/swagger-parser";
import spectralCore from "@stoplight/spectral-core";
import { oas } from "@stoplight/spectral-rulesets";
import { describe, expect, it } from "vitest";
import { loadFlavors } from "./flavors.ts";
import { mergedSpecFile } from "./merge-specs.ts";
import { REPO_ROOT } from "./test-support.ts";

/**
 * The merged specs pass the validators users run on them, beside Redocly's lint (`lint-specs.test.ts`):
 * `@apidevtools/swagger-parser` and Spectral's `spectral:oas` ruleset, with no finding at all.
 */
describe.each(loadFlavors(REPO_ROOT).map((flavor) => [flavor.id, join(REPO_ROOT, mergedSpecFile(flavor))]))("%s", (_id, file) => {
  it("is valid to @apidevtools/swagger-parser", async () => {
    await expect(SwaggerParser.validate(file)).resolves.toMatchObject({ openapi: "3.1.0" });
  });

  it("has no finding of Spectral's spectral:oas ruleset (its recommended rules, the default), warnings and hints included", async () => {
    const spectral = new spectralCore.Spectral();
    spectral.setRuleset({ extends: [[oas as never, "recommended"]] });
    const findings = await spectral.run(readFileSync(file, "utf8"));
    expect(findings.map((finding) => `${finding.code} at ${finding.path.join(".")}: ${finding.message}`)).toEqual([]);
  });
});
