import { isDeepStrictEqual } from "node:util";

/** The semver bump a spec change calls for. */
export type Level = "major" | "minor" | "patch";

export interface SpecChange {
  level: Level;
  /** Where, e.g. `GET /Jobs` or `components.schemas.Job.Status`. */
  where: string;
  message: string;
}

type Json = Record<string, any>;

/** Fields that only document: a change to them alone is a patch. */
const DOC_KEYS = new Set(["description", "summary", "title", "example", "examples", "externalDocs", "x-source", "x-overrides", "tags", "deprecated"]);
/** Keywords that restrict values: adding or changing one narrows, removing one widens. */
const CONSTRAINTS = ["format", "pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "minItems", "maxItems", "const", "multipleOf"];
const METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];
const LEVELS: Level[] = ["patch", "minor", "major"];

export function maxLevel(changes: readonly SpecChange[]): Level | undefined {
  return changes.reduce<Level | undefined>((max, change) => (max === undefined || LEVELS.indexOf(change.level) > LEVELS.indexOf(max) ? change.level : max), undefined);
}

function typesOf(schema: Json): Set<string> {
  const types = new Set<string>();
  const own = schema["type"];
  for (const type of Array.isArray(own) ? own : own === undefined ? [] : [own]) types.add(type === "integer" ? "integer" : String(type));
  return types;
}

class Differ {
  readonly changes: SpecChange[] = [];
  readonly #before: Json;
  readonly #after: Json;

  constructor(before: Json, after: Json) {
    this.#before = before;
    this.#after = after;
  }

  add(level: Level, where: string, message: string): void {
    this.changes.push({ level, where, message });
  }

  #resolve(document: Json, value: Json | undefined): Json | undefined {
    const ref = value?.["$ref"];
    if (typeof ref !== "string" || !ref.startsWith("#/")) return value;
    return ref
      .slice(2)
      .split("/")
      .reduce<Json | undefined>((node, key) => node?.[key.replaceAll("~1", "/").replaceAll("~0", "~")], document);
  }

  /** Documentation-only differences between two objects, ignoring the keys `structural` covers. */
  #docs(before: Json, after: Json, where: string): void {
    for (const key of DOC_KEYS) {
      if (!isDeepStrictEqual(before[key], after[key])) this.add("patch", where, `${key} changed`);
    }
  }

  /**
   * Compares two schemas. Removed properties, enum values, types or alternatives, and added
   * constraints, narrow what is allowed (major); the opposite widens it (minor).
   */
  schema(before: Json | boolean | undefined, after: Json | boolean | undefined, where: string, usage: "input" | "output"): void {
    if (isDeepStrictEqual(before, after)) return;
    if (typeof before !== "object" || typeof after !== "object" || before === null || after === null) {
      this.add("major", where, "schema replaced");
      return;
    }
    if (before["$ref"] !== undefined || after["$ref"] !== undefined) {
      if (before["$ref"] !== after["$ref"]) this.add("major", where, `schema changed from ${before["$ref"] ?? "inline"} to ${after["$ref"] ?? "inline"}`);
      return;
    }
    this.#docs(before, after, where);
    const beforeTypes = typesOf(before);
    const afterTypes = typesOf(after);
    for (const type of beforeTypes) if (!afterTypes.has(type) && afterTypes.size > 0) this.add("major", where, `type ${type} no longer allowed (narrowed)`);
    for (const type of afterTypes) if (!beforeTypes.has(type) && beforeTypes.size > 0) this.add("minor", where, `type ${type} now allowed (widened)`);
    if (beforeTypes.size === 0 && afterTypes.size > 0) this.add("major", where, `type restricted to ${[...afterTypes].join(" | ")}`);
    this.#enum(before["enum"], after["enum"], where);
    for (const keyword of CONSTRAINTS) {
      if (isDeepStrictEqual(before[keyword], after[keyword])) continue;
      if (after[keyword] === undefined) this.add("minor", where, `${keyword} removed (widened)`);
      else this.add("major", where, `${keyword} ${before[keyword] === undefined ? "added" : "changed"}: ${JSON.stringify(after[keyword])} (narrowed)`);
    }
    for (const keyword of ["anyOf", "oneOf"]) {
      const was: Json[] = before[keyword] ?? [];
      const now: Json[] = after[keyword] ?? [];
      if (was.length === now.length && was.length > 0) was.forEach((alternative, index) => this.schema(alternative, now[index], `${where} (${keyword}[${index}])`, usage));
      else {
        for (const alternative of was) if (!now.some((candidate) => isDeepStrictEqual(candidate, alternative))) this.add("major", where, `${keyword} alternative ${JSON.stringify(alternative)} removed (narrowed)`);
        for (const alternative of now) if (!was.some((candidate) => isDeepStrictEqual(candidate, alternative))) this.add("minor", where, `${keyword} alternative ${JSON.stringify(alternative)} added (widened)`);
      }
    }
    const properties = new Set([...Object.keys(before["properties"] ?? {}), ...Object.keys(after["properties"] ?? {})]);
    for (const name of [...properties].sort()) {
      const was = before["properties"]?.[name];
      const now = after["properties"]?.[name];
      if (now === undefined) this.add("major", `${where}.${name}`, usage === "output" ? "response field removed" : "property removed");
      else if (was === undefined) this.add("minor", `${where}.${name}`, "property added");
      else this.schema(was, now, `${where}.${name}`, usage);
    }
    const requiredBefore = new Set<string>(before["required"] ?? []);
    const requiredAfter = new Set<string>(after["required"] ?? []);
    for (const name of requiredAfter) if (!requiredBefore.has(name)) this.add(usage === "input" ? "major" : "minor", `${where}.${name}`, usage === "input" ? "newly required input" : "now always present");
    for (const name of requiredBefore) if (!requiredAfter.has(name)) this.add(usage === "output" ? "major" : "minor", `${where}.${name}`, usage === "output" ? "no longer always present" : "no longer required");
    if (before["items"] !== undefined || after["items"] !== undefined) this.schema(before["items"], after["items"], `${where}[]`, usage);
  }

  #enum(before: unknown[] | undefined, after: unknown[] | undefined, where: string): void {
    if (before === undefined && after !== undefined) {
      this.add("major", where, `restricted to the values ${JSON.stringify(after)}`);
      return;
    }
    if (before === undefined || after === undefined) {
      if (before !== undefined) this.add("minor", where, "any value now allowed (enum removed)");
      return;
    }
    for (const value of before) if (!after.includes(value)) this.add("major", where, `enum value ${JSON.stringify(value)} removed`);
    for (const value of after) if (!before.includes(value)) this.add("minor", where, `enum value ${JSON.stringify(value)} added`);
  }

  #parameters(document: Json, path: string, method: string): Map<string, Json> {
    const item = document["paths"][path];
    const all = [...(item["parameters"] ?? []), ...(item[method]["parameters"] ?? [])].map((parameter: Json) => this.#resolve(document, parameter)!);
    return new Map(all.map((parameter) => [`${parameter["in"]} ${parameter["name"]}`, parameter]));
  }

  operation(path: string, method: string): void {
    const where = `${method.toUpperCase()} ${path}`;
    const before = this.#before["paths"][path][method];
    const after = this.#after["paths"][path][method];
    this.#docs(before, after, where);
    if (before["operationId"] !== after["operationId"]) this.add("major", where, `operationId ${before["operationId"]} renamed to ${after["operationId"]}`);
    const was = this.#parameters(this.#before, path, method);
    const now = this.#parameters(this.#after, path, method);
    for (const [key, parameter] of was) {
      const next = now.get(key);
      if (!next) this.add("major", where, `${key} parameter removed`);
      else {
        if (!parameter["required"] && next["required"]) this.add("major", where, `${key} parameter newly required`);
        if (parameter["required"] && !next["required"]) this.add("minor", where, `${key} parameter now optional`);
        this.#docs(parameter, next, `${where} ${key}`);
        this.schema(parameter["schema"], next["schema"], `${where} ${key}`, "input");
      }
    }
    for (const [key, parameter] of now) if (!was.has(key)) this.add(parameter["required"] ? "major" : "minor", where, `${key} parameter added${parameter["required"] ? " as required" : ""}`);
    const responses = new Set([...Object.keys(before["responses"] ?? {}), ...Object.keys(after["responses"] ?? {})]);
    for (const status of [...responses].sort()) {
      const previous = this.#resolve(this.#before, before["responses"]?.[status]);
      const next = this.#resolve(this.#after, after["responses"]?.[status]);
      if (!next) this.add("major", where, `response ${status} removed`);
      else if (!previous) this.add("minor", where, `response ${status} added`);
      else {
        this.#docs(previous, next, `${where} ${status}`);
        const types = new Set([...Object.keys(previous["content"] ?? {}), ...Object.keys(next["content"] ?? {})]);
        for (const type of types) this.schema(previous["content"]?.[type]?.schema, next["content"]?.[type]?.schema, `${where} ${status} ${type}`, "output");
        const headers = new Set([...Object.keys(previous["headers"] ?? {}), ...Object.keys(next["headers"] ?? {})]);
        for (const header of headers) {
          if (!next["headers"]?.[header]) this.add("major", where, `response ${status} header ${header} removed`);
          else if (!previous["headers"]?.[header]) this.add("minor", where, `response ${status} header ${header} added`);
        }
      }
    }
  }

  run(): SpecChange[] {
    const before = this.#before;
    const after = this.#after;
    const paths = new Set([...Object.keys(before["paths"] ?? {}), ...Object.keys(after["paths"] ?? {})]);
    for (const path of [...paths].sort()) {
      for (const method of METHODS) {
        const was = before["paths"]?.[path]?.[method];
        const now = after["paths"]?.[path]?.[method];
        if (was && !now) this.add("major", `${method.toUpperCase()} ${path}`, "operation removed");
        else if (!was && now) this.add("minor", `${method.toUpperCase()} ${path}`, "operation added");
        else if (was && now) this.operation(path, method);
      }
    }
    const schemas = new Set([...Object.keys(before["components"]?.["schemas"] ?? {}), ...Object.keys(after["components"]?.["schemas"] ?? {})]);
    for (const name of [...schemas].sort()) {
      const was = before["components"]?.["schemas"]?.[name];
      const now = after["components"]?.["schemas"]?.[name];
      if (!now) this.add("major", `components.schemas.${name}`, "schema removed");
      else if (!was) this.add("minor", `components.schemas.${name}`, "schema added");
      else this.schema(was, now, `components.schemas.${name}`, "output");
    }
    this.#docs(before["info"] ?? {}, after["info"] ?? {}, "info");
    if (!isDeepStrictEqual(before["servers"], after["servers"])) this.add("major", "servers", "server URL changed");
    if (!isDeepStrictEqual(before["security"], after["security"]) || !isDeepStrictEqual(before["components"]?.["securitySchemes"], after["components"]?.["securitySchemes"])) {
      this.add("major", "security", "authentication changed");
    }
    return this.changes;
  }
}

/**
 * Classifies every difference between two OpenAPI 3.1 documents: a removed operation, parameter,
 * response, response field or enum value, a narrowed type and a newly required input are major;
 * additions are minor; documentation (descriptions, summaries, examples, sources) is a patch.
 */
export function diffSpecs(before: Json, after: Json): SpecChange[] {
  return new Differ(before, after).run();
}
