import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadFlavors } from "./flavors.ts";
import { releaseDiffFile, releaseDiffLinks, releasePairs } from "./release-diffs.ts";
import { REPO_ROOT } from "./test-support.ts";

const flavors = loadFlavors(REPO_ROOT);
const byId = (id: string) => flavors.find((flavor) => flavor.id === id)!;

describe("release diffs", () => {
  it("pairs consecutive releases of one API, in version order, whatever their order in flavors.json", () => {
    expect(releasePairs(flavors).map((pair) => [pair.from.id, pair.to.id])).toEqual([["partner-v15", "partner-v16"]]);
    const v17 = { ...byId("partner-v16"), id: "partner-v17", package: "@impactkit/partner-v17", apiVersion: "17" };
    expect(releasePairs([v17, ...flavors]).map((pair) => releaseDiffFile(pair))).toEqual([
      "docs/api-diff/partner-v15-to-v16.md",
      "docs/api-diff/partner-v16-to-v17.md",
    ]);
  });

  it("links both releases' READMEs to the diff, and no other flavor's", () => {
    for (const id of ["partner-v15", "partner-v16"]) {
      expect(releaseDiffLinks(byId(id), flavors)).toContain("(../../docs/api-diff/partner-v15-to-v16.md)");
      expect(readFileSync(join(REPO_ROOT, "packages", id, "README.md"), "utf8")).toContain(
        "[impact.com Partner API v15 → impact.com Partner API v16](../../docs/api-diff/partner-v15-to-v16.md)",
      );
    }
    expect(releaseDiffLinks(byId("agency-v3"), flavors)).toBe("");
  });

  it("tells a user moving from v15 to v16 what differs: as upstream publishes them, only their sources", () => {
    const diff = readFileSync(join(REPO_ROOT, "docs/api-diff/partner-v15-to-v16.md"), "utf8");
    expect(diff).toMatch(/^\*\*patch\*\* change: 0 major, 0 minor, \d+ patch\.$/m);
    expect(diff).toContain("- `GET /Mediapartners/{AccountSID}/Jobs/{JobId}`: x-source modified");
    expect(diff).not.toMatch(/operation-id-changed|sdk-traits/);
  });
});
