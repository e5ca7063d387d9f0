import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { applyOverrides, type OverrideFile } from "./apply-overrides.ts";
import { canonicalOpenApiJson } from "./canonical-json.ts";
import type { Flavor } from "./flavors.ts";
import { mergeFragments, type Fragment } from "./merge-fragments.ts";
import { readJson } from "./read-json.ts";
import { checkBasePath } from "./rebase-paths.ts";
import { flavorSources, loadManifest, MANIFEST_FILE, provenance } from "./source-manifest.ts";
import { SpecError } from "./spec-error.ts";
import { validateFragment } from "./validate-fragment.ts";

const SERVER = "https://api.impact.com";

function jsonFiles(root: string, dir: string): string[] {
  const absolute = join(root, dir);
  if (!existsSync(absolute)) return [];
  return readdirSync(absolute)
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((name) => `${dir}/${name}`);
}

export function mergedSpecFile(flavor: Flavor): string {
  return `specs/${flavor.id}.openapi.json`;
}

/**
 * Builds the merged OpenAPI 3.1 document of one flavor: its sources (`specs/sources/<id>/`, the upstream
 * documents the manifest lists, each operation and component noting where it came from) with their paths as
 * published (under the account's base path, so that a mock server such as Prism routes what clients send),
 * then the shared overrides and the flavor's own (`specs/overrides/shared/`, `specs/overrides/<id>/`).
 * Returns deterministic JSON text.
 */
export function mergeSpec(root: string, flavor: Flavor): string {
  const entries = flavorSources(loadManifest(root), flavor.id);
  if (entries.length === 0) throw new SpecError(MANIFEST_FILE, "/sources", `no source of ${flavor.id}`);
  const listed = new Set(entries.map((entry) => `specs/sources/${entry.file}`));
  const stray = jsonFiles(root, `specs/sources/${flavor.id}`).find((file) => !listed.has(file));
  if (stray) throw new SpecError(stray, "", `not in ${MANIFEST_FILE}: a source is an upstream document the manifest names (pnpm specs:sync fetches it)`);
  const fragments: Fragment[] = entries.map((entry) => {
    const file = `specs/sources/${entry.file}`;
    const document = readJson(join(root, file), file);
    validateFragment(document, file);
    return { file, document, source: provenance(entry) };
  });
  const merged = mergeFragments(fragments);
  checkBasePath(merged, flavor.basePath, `specs/sources/${flavor.id}`);
  const document: Record<string, unknown> = {
    openapi: "3.1.0",
    info: {
      title: flavor.title,
      version: flavor.apiVersion,
      description: `The asynchronous Jobs machinery of the ${flavor.title}: schedule exports, poll jobs, download and replay them. Merged from the published reference pages (each operation and component names its source in x-source) and documented overrides for what the wire really sends.`,
      // As the reference pages name it (https://github.com/api-evangelist/impact/blob/main/openapi/_original/impact-partner-jobs-v16.yaml).
      contact: { name: "impact.com Developer Support", url: "https://app.impact.com/secure/help/contact-support.ihtml" },
    },
    servers: [{ url: SERVER, description: `Production; every path is under ${flavor.basePath}, AccountSID being your ${flavor.accountType} Account SID.` }],
    tags: merged.tags,
    paths: merged.paths,
    components: merged.components,
  };
  const overrides: OverrideFile[] = [...jsonFiles(root, "specs/overrides/shared"), ...jsonFiles(root, `specs/overrides/${flavor.id}`)].map((file) => ({
    file,
    override: readJson(join(root, file), file),
  }));
  (document["info"] as Record<string, unknown>)["x-overrides"] = applyOverrides(document, overrides, flavor.basePath);
  return canonicalOpenApiJson(document);
}
