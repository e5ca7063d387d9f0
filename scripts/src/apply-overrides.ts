import jsonPatch from "fast-json-patch";
import type { Operation } from "fast-json-patch";
import { Ajv2020 } from "ajv/dist/2020.js";
import { fromPointer, toPointer } from "./json-pointer.ts";
import { SpecError } from "./spec-error.ts";

type Json = Record<string, unknown>;

export interface OverrideFile {
  file: string;
  override: unknown;
}

export interface AppliedOverride {
  file: string;
  reason: string;
  "x-source": string;
}

const overrideSchema = {
  type: "object",
  required: ["reason", "x-source", "patch"],
  additionalProperties: false,
  properties: {
    reason: { type: "string", minLength: 1, pattern: "^[^\\n]+$" },
    "x-source": { type: "string", minLength: 1 },
    patch: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        required: ["op", "path"],
        additionalProperties: false,
        properties: {
          op: { enum: ["add", "remove", "replace", "move", "copy", "test"] },
          path: { type: "string", pattern: "^(/.*)?$" },
          from: { type: "string", pattern: "^(/.*)?$" },
          value: true,
          optional: { type: "boolean" },
        },
      },
    },
  },
} as const;

const validateOverride = new Ajv2020({ allErrors: false }).compile<{
  reason: string;
  "x-source": string;
  patch: Array<Operation & { optional?: boolean }>;
}>(overrideSchema);

const isContainer = (value: unknown): value is Json => value !== null && typeof value === "object";

/**
 * Expands a path whose segments may be `*` (every key at that level) into the concrete paths present
 * in the document. The last segment of an `add`, `move` or `copy` may be new; every other segment must exist.
 */
function expand(document: unknown, segments: readonly string[], creates: boolean): string[][] {
  const [head, ...rest] = segments;
  if (head === undefined) return [[]];
  if (!isContainer(document)) return [];
  const keys = head === "*" ? Object.keys(document) : [head];
  return keys.flatMap((key) => {
    if (rest.length === 0) return creates || key in document ? [[key]] : [];
    return key in document ? expand(document[key], rest, creates).map((tail) => [key, ...tail]) : [];
  });
}

/** The placeholder an override's paths write for the flavor's base path, so that one override serves every flavor. */
const BASE_PATH = "{basePath}";

/** The placeholder an override's values (examples) write for an example account's path: the base path with the docs' example Account SID. */
const ACCOUNT_PATH = "{accountPath}";

/** The Account SID the reference pages' examples use (https://integrations.impact.com/agency-v3/reference/reportexport/models). */
const EXAMPLE_ACCOUNT_SID = "IRq8mWJybvoQ1020978kbj7am8zzM2dBL1";

/** A patch value with every `{accountPath}` in its strings replaced; a fresh copy for each place it goes. */
function withAccountPath(value: unknown, accountPath: string): unknown {
  if (typeof value === "string") return value.replaceAll(ACCOUNT_PATH, accountPath);
  if (Array.isArray(value)) return value.map((item) => withAccountPath(item, accountPath));
  if (isContainer(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withAccountPath(item, accountPath)]));
  return value;
}

/**
 * Applies documented overrides: each file has a one-line `reason`, its `x-source`, and a JSON Patch
 * (RFC 6902) whose paths may use `*` for "every key at this level" and `{basePath}` for the flavor's base
 * path (`/paths/{basePath}~1Jobs` is `/Mediapartners/{AccountSID}/Jobs` of a partner spec), and whose values
 * may use `{accountPath}` for an example account's (`/Mediapartners/IRq8mW…`). An operation must apply
 * somewhere unless it is marked `optional`.
 */
export function applyOverrides(document: Json, overrides: readonly OverrideFile[], basePath = ""): AppliedOverride[] {
  const resolve = (pointer: string) => fromPointer(pointer).map((segment) => segment.replaceAll(BASE_PATH, basePath));
  const applied: AppliedOverride[] = [];
  for (const { file, override } of overrides) {
    if (!validateOverride(override)) {
      const error = validateOverride.errors?.[0];
      throw new SpecError(file, error?.instancePath ?? "", `not a valid override: ${error?.message ?? "invalid"}`);
    }
    override.patch.forEach(({ optional, ...operation }, index) => {
      const creates = operation.op === "add" || operation.op === "move" || operation.op === "copy";
      const targets = expand(document, resolve(operation.path), creates);
      if (targets.length === 0 && !optional) {
        throw new SpecError(file, `/patch/${index}`, `${operation.op} ${operation.path} matches nothing in the merged spec`);
      }
      for (const target of targets) {
        try {
          const concrete = { ...operation, path: toPointer(target), ...("from" in operation ? { from: toPointer(resolve(operation.from)) } : {}) } as Operation;
          if ("value" in concrete) concrete.value = withAccountPath(concrete.value, basePath.replace("{AccountSID}", EXAMPLE_ACCOUNT_SID));
          jsonPatch.applyOperation(document, concrete, true, true, false);
        } catch (error) {
          throw new SpecError(file, `/patch/${index}`, `${operation.op} ${toPointer(target)} failed: ${(error as Error).message.split("\n")[0]}`);
        }
      }
    });
    applied.push({ file, reason: override.reason, "x-source": override["x-source"] });
  }
  return applied;
}
