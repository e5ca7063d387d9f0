import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { readJson } from "./read-json.ts";
import { SpecError } from "./spec-error.ts";

/**
 * One upstream document a flavor is generated from, as it was last fetched: `file` (under specs/sources/)
 * is its deterministic JSON form, never edited by hand — every correction is an override.
 */
export interface SourceEntry {
  /** The source file, relative to specs/sources/: `<flavor>/<name>.json`. */
  file: string;
  /** Where it is fetched from. */
  url: string;
  /** The reference page people read, when `url` is a mirror of it. */
  page?: string;
  /**
   * `openapi`: an OpenAPI document in YAML or JSON (a mirror of the reference); `docs-page`: an impact.com
   * reference page in Markdown, whose ```json blocks are OpenAPI documents, one per operation or model.
   */
  format: "openapi" | "docs-page";
  /** sha256 of the bytes `file` was converted from (a fetch that converts to the same file leaves it). */
  fetched: string;
  /** sha256 of `file`: what converting those bytes gave. */
  sha256: string;
}

export const MANIFEST_FILE = "specs/sources/manifest.json";

const manifestSchema = {
  type: "object",
  required: ["sources"],
  additionalProperties: false,
  properties: {
    $comment: { type: "string" },
    sources: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        additionalProperties: false,
        required: ["file", "url", "format", "fetched", "sha256"],
        properties: {
          file: { type: "string", pattern: "^[a-z][a-z0-9-]*/[a-z0-9-]+\\.json$" },
          url: { type: "string", pattern: "^https://" },
          page: { type: "string", pattern: "^https://" },
          format: { enum: ["openapi", "docs-page"] },
          fetched: { type: "string", pattern: "^[0-9a-f]{64}$" },
          sha256: { type: "string", pattern: "^[0-9a-f]{64}$" },
        },
      },
    },
  },
} as const;

const validateManifest = new Ajv2020({ allErrors: false }).compile<{ $comment?: string; sources: SourceEntry[] }>(manifestSchema);

export interface SourceManifest {
  $comment?: string;
  sources: SourceEntry[];
}

export function loadManifest(root: string): SourceManifest {
  const manifest = readJson(join(root, MANIFEST_FILE), MANIFEST_FILE);
  if (!validateManifest(manifest)) {
    const error = validateManifest.errors?.[0];
    throw new SpecError(MANIFEST_FILE, error?.instancePath ?? "", error?.message ?? "invalid");
  }
  const files = new Set<string>();
  manifest.sources.forEach((entry, index) => {
    if (files.has(entry.file)) throw new SpecError(MANIFEST_FILE, `/sources/${index}/file`, `${entry.file} is listed twice`);
    files.add(entry.file);
  });
  return manifest;
}

/** The entries of one flavor's sources, in file order. */
export function flavorSources(manifest: SourceManifest, flavorId: string): SourceEntry[] {
  return manifest.sources.filter((entry) => entry.file.startsWith(`${flavorId}/`)).sort((a, b) => (a.file < b.file ? -1 : 1));
}

/** Where a source came from, as its merged operations and components name it (`x-source`). */
export function provenance(entry: SourceEntry): string {
  return entry.page && entry.page !== entry.url ? `${entry.url} (a copy of ${entry.page})` : entry.url;
}

export function manifestText(manifest: SourceManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
