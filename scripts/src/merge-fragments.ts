import { isDeepStrictEqual } from "node:util";
import { toPointer } from "./json-pointer.ts";
import { SpecError } from "./spec-error.ts";

export interface Fragment {
  /** Repository-relative path of the fragment, used in every error. */
  file: string;
  document: Record<string, unknown>;
  /** Where it came from, recorded on each merged operation and component as `x-source` (none when undefined). */
  source?: string;
}

export interface MergedFragments {
  paths: Record<string, Record<string, unknown>>;
  components: Record<string, Record<string, unknown>>;
  tags: Array<Record<string, unknown>>;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => value !== null && typeof value === "object" && !Array.isArray(value);

/** Where each merged definition came from, so that a conflict can name both files. */
type Origins = Map<string, string>;

function mergeDefinition(target: Json, key: string, value: unknown, pointer: string, fragment: Fragment, origins: Origins): void {
  const existing = target[key];
  if (existing === undefined) {
    target[key] = isObject(value) && fragment.source !== undefined ? { ...value, "x-source": fragment.source } : value;
    origins.set(pointer, fragment.file);
    return;
  }
  const { "x-source": _ignored, ...comparable } = existing as Json;
  if (!isDeepStrictEqual(comparable, value)) {
    throw new SpecError(fragment.file, pointer, `defined differently in ${origins.get(pointer)} and ${fragment.file}`);
  }
}

/**
 * Merges OpenAPI fragments: path items per method, components per section and name, tags by name.
 * A definition that appears in several fragments must be the same in all of them; each merged operation
 * and component records the provenance (`source`) of the fragment it came from as `x-source`.
 */
export function mergeFragments(fragments: readonly Fragment[]): MergedFragments {
  const merged: MergedFragments = { paths: {}, components: {}, tags: [] };
  const origins: Origins = new Map();
  for (const fragment of fragments) {
    const { document } = fragment;
    for (const [path, item] of Object.entries((document["paths"] ?? {}) as Json)) {
      const target = (merged.paths[path] ??= {});
      for (const [method, operation] of Object.entries(item as Json)) {
        mergeDefinition(target, method, operation, toPointer(["paths", path, method]), fragment, origins);
      }
    }
    for (const [section, definitions] of Object.entries((document["components"] ?? {}) as Json)) {
      const target = (merged.components[section] ??= {});
      for (const [name, definition] of Object.entries(definitions as Json)) {
        mergeDefinition(target, name, definition, toPointer(["components", section, name]), fragment, origins);
      }
    }
    for (const tag of (document["tags"] ?? []) as Json[]) {
      const pointer = toPointer(["tags", String(tag["name"])]);
      const existing = merged.tags.find((known) => known["name"] === tag["name"]);
      if (!existing) {
        merged.tags.push(tag);
        origins.set(pointer, fragment.file);
      } else if (!isDeepStrictEqual(existing, tag)) {
        throw new SpecError(fragment.file, pointer, `defined differently in ${origins.get(pointer)} and ${fragment.file}`);
      }
    }
  }
  return merged;
}
