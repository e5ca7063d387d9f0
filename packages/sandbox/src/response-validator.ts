import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import type { SandboxFlavor } from "./flavors.js";
import type { Route } from "./faults.js";

/** A JSON response of the sandbox that its flavor's merged OpenAPI spec does not allow, and what is wrong with it. */
export interface Violation {
  flavor: string;
  route: Route;
  status: number;
  /** The JSON Pointer in the body and what is wrong there. */
  errors: string[];
}

/** Each route's operation in a merged spec: its method, and its path among the spec's (relative to the account's base path). */
const OPERATIONS: Record<Exclude<Route, "storage">, { method: string; path: (paths: string[]) => string | undefined }> = {
  listJobs: { method: "get", path: () => "/Jobs" },
  getJob: { method: "get", path: () => "/Jobs/{JobId}" },
  downloadJob: { method: "get", path: () => "/Jobs/{JobId}/Download" },
  replayJob: { method: "put", path: () => "/Jobs/{JobId}/Replay" },
  exportReport: { method: "get", path: (paths) => paths.find((path) => path.startsWith("/ReportExport/")) },
  exportClicks: { method: "get", path: (paths) => paths.find((path) => path.endsWith("/ClickExport")) },
  listReports: { method: "get", path: () => "/Reports" },
  reportMetadata: { method: "get", path: (paths) => paths.find((path) => /^\/Reports\/\{[^}]+\}\/MetaData$/.test(path)) },
};

// biome-ignore lint/suspicious/noExplicitAny: an OpenAPI document walked by JSON pointer, its shape known only at run time
type Json = Record<string, any>;

const pointer = (segments: string[]): string => segments.map((segment) => `/${segment.replaceAll("~", "~0").replaceAll("/", "~1")}`).join("");

/**
 * Validates every JSON body the sandbox sends against the response schema of the flavor's merged
 * OpenAPI document (OpenAPI 3.1 schemas are JSON Schema 2020-12), so the sandbox cannot drift from the
 * specs the clients are generated from.
 */
export class ResponseValidator {
  readonly #ajv = new Ajv2020({ strict: false, allErrors: true });
  readonly #documents = new Map<string, Json>();
  readonly #compiled = new Map<string, ValidateFunction | null>();
  readonly violations: Violation[] = [];

  constructor(specs: ReadonlyMap<SandboxFlavor, Json>) {
    addFormats.default(this.#ajv);
    for (const [flavor, document] of specs) {
      this.#documents.set(flavor.id, document);
      this.#ajv.addSchema(document, `${flavor.id}.openapi.json`);
    }
  }

  #resolve(document: Json, value: Json): Json {
    const ref = value["$ref"];
    if (typeof ref !== "string") return value;
    return ref
      .slice(2)
      .split("/")
      .map((segment) => segment.replaceAll("~1", "/").replaceAll("~0", "~"))
      .reduce<Json>((node, segment) => node[segment], document);
  }

  #validator(flavor: SandboxFlavor, route: Exclude<Route, "storage">, status: number): ValidateFunction | null {
    const key = `${flavor.id} ${route} ${status}`;
    if (this.#compiled.has(key)) return this.#compiled.get(key)!;
    const document = this.#documents.get(flavor.id)!;
    const operation = OPERATIONS[route];
    const relative = operation.path(Object.keys(document["paths"]).map((path) => path.slice(flavor.basePath.length)));
    const path = relative === undefined ? undefined : `${flavor.basePath}${relative}`;
    const responses: Json = path ? (document["paths"][path]?.[operation.method]?.responses ?? {}) : {};
    const declared = responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses["default"];
    let validate: ValidateFunction | null = null;
    if (declared === undefined) {
      validate = Object.assign(() => false, {
        errors: [{ instancePath: "", message: `status ${status} is not documented for ${path ?? route}` }],
      }) as unknown as ValidateFunction;
    } else if (this.#resolve(document, declared)["content"]?.["application/json"]?.schema) {
      const code = responses[String(status)] ? String(status) : `${String(status)[0]}XX`;
      const responsePointer = typeof declared["$ref"] === "string" ? declared["$ref"] : `#${pointer(["paths", path!, operation.method, "responses", code])}`;
      validate = this.#ajv.compile({ $ref: `${flavor.id}.openapi.json${responsePointer}/content/application~1json/schema` });
    }
    this.#compiled.set(key, validate);
    return validate;
  }

  /** Checks one JSON response; a body of an undocumented status or shape is recorded as a violation. */
  check(flavor: SandboxFlavor, route: Exclude<Route, "storage">, status: number, body: unknown): void {
    const validate = this.#validator(flavor, route, status);
    if (validate === null || validate(body)) return;
    this.violations.push({
      flavor: flavor.id,
      route,
      status,
      errors: (validate.errors ?? []).map((error) => `${error.instancePath || "/"} ${error.message ?? error.keyword}`),
    });
  }
}
