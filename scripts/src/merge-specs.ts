import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { applyOverrides, type OverrideFile } from "./apply-overrides.ts";
import { canonicalOpenApiJson } from "./canonical-json.ts";
import type { Flavor } from "./flavors.ts";
import { mergeFragments, type Fragment } from "./merge-fragments.ts";
import { readJson } from "./read-json.ts";
import { rebasePaths } from "./rebase-paths.ts";
import { SpecError } from "./spec-error.ts";
import { validateFragment } from "./validate-fragment.ts";

export const SERVER = "https://api.impact.com";

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
 * Builds the merged OpenAPI 3.1 document of one flavor: its source fragments (`specs/sources/<id>/`),
 * rebased onto the account's server URL, then the shared overrides and the flavor's own
 * (`specs/overrides/shared/`, `specs/overrides/<id>/`). Returns deterministic JSON text.
 */
export function mergeSpec(root: string, flavor: Flavor): string {
  const sourceFiles = jsonFiles(root, `specs/sources/${flavor.id}`);
  if (sourceFiles.length === 0) throw new SpecError(`specs/sources/${flavor.id}`, "", "no source fragments");
  const fragments: Fragment[] = sourceFiles.map((file) => {
    const document = readJson(join(root, file), file);
    validateFragment(document, file);
    return { file, document };
  });
  const merged = rebasePaths(mergeFragments(fragments), flavor.basePath, `specs/sources/${flavor.id}`);
  const document: Record<string, unknown> = {
    openapi: "3.1.0",
    info: {
      title: flavor.title,
      version: flavor.apiVersion,
      description: `The asynchronous Jobs machinery of the ${flavor.title}: schedule exports, poll jobs, download and replay them. Merged from the published reference pages (each operation and component names its source in x-source) and documented overrides for what the wire really sends.`,
      // As the reference pages name it (https://github.com/api-evangelist/impact/blob/main/openapi/_original/impact-partner-jobs-v16.yaml).
      contact: { name: "impact.com Developer Support", url: "https://app.impact.com/secure/help/contact-support.ihtml" },
    },
    servers: [
      {
        url: `${SERVER}${flavor.basePath}`,
        // The variable's meaning lives in the server's description: @apidevtools/swagger-parser's 3.1 schema
        // refuses a description on a server variable (valid OpenAPI 3.1), and users validate with it.
        description: `Production; AccountSID is your ${flavor.accountType} Account SID.`,
        variables: { AccountSID: { default: "AccountSID" } },
      },
    ],
    tags: merged.tags,
    paths: merged.paths,
    components: merged.components,
  };
  const overrides: OverrideFile[] = [...jsonFiles(root, "specs/overrides/shared"), ...jsonFiles(root, `specs/overrides/${flavor.id}`)].map(
    (file) => ({ file, override: readJson(join(root, file), file) }),
  );
  (document["info"] as Record<string, unknown>)["x-overrides"] = applyOverrides(document, overrides);
  return canonicalOpenApiJson(document);
}
