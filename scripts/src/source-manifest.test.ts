import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadFlavors } from "./flavors.ts";
import { flavorSources, loadManifest, provenance } from "./source-manifest.ts";
import { REPO_ROOT } from "./test-support.ts";

const manifest = loadManifest(REPO_ROOT);

describe("specs/sources/manifest.json", () => {
  it.each(manifest.sources.map((entry) => [entry.file, entry]))("%s is what the manifest says was converted from %s", (file, entry) => {
    const text = readFileSync(join(REPO_ROOT, "specs/sources", file), "utf8");
    expect(createHash("sha256").update(text).digest("hex")).toBe(entry.sha256);
    expect(entry.url).toMatch(/^https:\/\/(raw\.githubusercontent\.com\/api-evangelist\/|integrations\.impact\.com\/)/);
    expect(entry.format).toBe(entry.url.endsWith(".md") ? "docs-page" : "openapi");
  });

  it("lists every source file, and every flavor has sources", () => {
    const listed = new Set(manifest.sources.map((entry) => entry.file));
    const onDisk = readdirSync(join(REPO_ROOT, "specs/sources"), { withFileTypes: true })
      .filter((dirent) => dirent.isDirectory())
      .flatMap((dirent) => readdirSync(join(REPO_ROOT, "specs/sources", dirent.name)).map((name) => `${dirent.name}/${name}`));
    expect(onDisk.sort()).toEqual([...listed].sort());
    for (const flavor of loadFlavors(REPO_ROOT)) expect(flavorSources(manifest, flavor.id).length).toBeGreaterThan(0);
  });

  it("names a mirror together with the reference page it copies", () => {
    expect(
      provenance({
        file: "a/b.json",
        url: "https://raw.githubusercontent.com/x/y.yaml",
        page: "https://integrations.impact.com/p",
        format: "openapi",
        fetched: "",
        sha256: "",
      }),
    ).toBe("https://raw.githubusercontent.com/x/y.yaml (a copy of https://integrations.impact.com/p)");
    expect(provenance({ file: "a/b.json", url: "https://integrations.impact.com/p.md", format: "docs-page", fetched: "", sha256: "" })).toBe(
      "https://integrations.impact.com/p.md",
    );
  });
});
