import { parse as parseYaml } from "yaml";
import { canonicalOpenApiJson } from "./canonical-json.ts";
import { mergeFragments } from "./merge-fragments.ts";
import type { SourceEntry } from "./source-manifest.ts";
import { SpecError } from "./spec-error.ts";

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => value !== null && typeof value === "object" && !Array.isArray(value);

/** The OpenAPI documents in a reference page's ```json blocks, in order (other blocks — requests, answers — are not documents). */
function pageDocuments(text: string, file: string): Json[] {
  const documents: Json[] = [];
  for (const [, body] of text.matchAll(/^```json[^\n]*\n([\s\S]*?)^```/gm)) {
    let value: unknown;
    try {
      value = JSON.parse(body!);
    } catch {
      continue;
    }
    if (isObject(value) && typeof value["openapi"] === "string") documents.push(value);
  }
  if (documents.length === 0) throw new SpecError(file, "", "the page has no ```json block holding an OpenAPI document");
  return documents;
}

/**
 * The deterministic JSON form of what was fetched for `entry`: an OpenAPI document (YAML or JSON) as it
 * is; a reference page's documents (one per operation or model) as one document — their paths, components
 * and tags together (a definition repeated across blocks must be the same), the first block's other fields.
 * Keys sorted, two-space indent: the same bytes give the same file, whatever the order they came in.
 */
export function convertSource(entry: Pick<SourceEntry, "file" | "format">, text: string): string {
  const file = `specs/sources/${entry.file}`;
  if (entry.format === "openapi") {
    let document: unknown;
    try {
      document = parseYaml(text, { maxAliasCount: -1 });
    } catch (error) {
      throw new SpecError(file, "", `the fetched document is not YAML or JSON: ${(error as Error).message.split("\n")[0]}`);
    }
    if (!isObject(document) || typeof document["openapi"] !== "string") throw new SpecError(file, "", "the fetched document is no OpenAPI document");
    return canonicalOpenApiJson(document);
  }
  const documents = pageDocuments(text, file);
  const merged = mergeFragments(documents.map((document, index) => ({ file: `${file} (block ${index + 1})`, document })));
  const { paths: _paths, components: _components, tags: _tags, ...first } = documents[0]!;
  return canonicalOpenApiJson({
    ...first,
    ...(merged.tags.length > 0 ? { tags: merged.tags } : {}),
    ...(Object.keys(merged.paths).length > 0 ? { paths: merged.paths } : {}),
    ...(Object.keys(merged.components).length > 0 ? { components: merged.components } : {}),
  });
}
