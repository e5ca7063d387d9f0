/**
 * Deterministic JSON bytes: object keys in a stable order, two-space indent, trailing newline.
 * The top level of an OpenAPI document keeps the order the OpenAPI 3.1 specification lists its fields in
 * (https://spec.openapis.org/oas/v3.1.0#openapi-object); every other object has its keys sorted.
 */
const OPENAPI_ROOT_ORDER = ["openapi", "info", "jsonSchemaDialect", "servers", "security", "tags", "paths", "webhooks", "components", "externalDocs"];

export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  const entries = Object.keys(value)
    .sort()
    .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]);
  return Object.fromEntries(entries);
}

function rootRank(key: string): number {
  const index = OPENAPI_ROOT_ORDER.indexOf(key);
  return index === -1 ? OPENAPI_ROOT_ORDER.length : index;
}

export function canonicalOpenApiJson(document: Record<string, unknown>): string {
  const sorted = sortKeys(document) as Record<string, unknown>;
  const keys = Object.keys(sorted).sort((a, b) => rootRank(a) - rootRank(b) || (a < b ? -1 : a > b ? 1 : 0));
  const ordered = Object.fromEntries(keys.map((key) => [key, sorted[key]]));
  return `${JSON.stringify(ordered, null, 2)}\n`;
}
