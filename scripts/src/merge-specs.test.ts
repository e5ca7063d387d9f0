import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadFlavors, type Flavor } from "./flavors.ts";
import { mergedSpecFile, mergeSpec } from "./merge-specs.ts";
import { REPO_ROOT, scratchRoot } from "./test-support.ts";

type Json = Record<string, any>;

const flavors = loadFlavors(REPO_ROOT);
const byId = (id: string): Flavor => flavors.find((flavor) => flavor.id === id)!;
const merged = (id: string): Json => JSON.parse(mergeSpec(REPO_ROOT, byId(id)));

describe("mergeSpec on the repository's sources", () => {
  it.each(flavors.map((flavor) => [flavor.id]))("%s: deterministic bytes, identical to the committed spec", (id) => {
    const text = mergeSpec(REPO_ROOT, byId(id));
    expect(mergeSpec(REPO_ROOT, byId(id))).toBe(text);
    expect(text.endsWith("}\n")).toBe(true);
    expect(text).toBe(readFileSync(join(REPO_ROOT, mergedSpecFile(byId(id))), "utf8"));
  });

  it.each([
    ["partner-v15", "/Mediapartners/{AccountSID}", ["/ClickExport", "/ReportExport/{Id}"]],
    ["agency-v3", "/Agencies/{AccountSID}", ["/ReportExport/{ReportId}"]],
    ["brand", "/Advertisers/{AccountSID}", ["/Programs/{ProgramId}/ClickExport", "/ReportExport/{ReportId}"]],
  ])("%s: the Jobs operations and its exports, relative to %s, each with its source", (id, basePath, exports) => {
    const spec = merged(id);
    expect(spec.openapi).toBe("3.1.0");
    expect(spec.servers[0].url).toBe(`https://api.impact.com${basePath}`);
    expect(spec.info.version).toBe(byId(id).apiVersion);
    expect(Object.keys(spec.paths).sort()).toEqual(["/Jobs", "/Jobs/{JobId}", "/Jobs/{JobId}/Download", "/Jobs/{JobId}/Replay", ...exports].sort());
    const operations = (Object.values(spec.paths) as Json[]).flatMap((item) => Object.entries(item).filter(([key]) => key !== "parameters").map(([, operation]) => operation as Json));
    expect(operations.map((operation) => operation.operationId).sort()).toEqual(
      ["listJobs", "getJob", "downloadJobResult", "replayJob", "exportReport", ...(exports.length === 2 ? ["exportClicks"] : [])].sort(),
    );
    for (const operation of operations) {
      expect(operation["x-source"]).toMatch(/^(seed \d{3}_[0-9a-f]+\.txt|https:\/\/)/);
      expect(JSON.stringify(operation)).not.toContain("AccountSID");
    }
    expect(spec.components.schemas.Job["x-source"]).toBeTruthy();
  });

  it.each(flavors.map((flavor) => [flavor.id]))("%s: the documented wire overrides are in place", (id) => {
    const spec = merged(id);
    const job = spec.components.schemas.Job.properties;
    expect(job.RecordsProcessed.anyOf).toEqual([{ type: "integer", minimum: 0 }, { type: "string", pattern: "^[0-9]+$" }]);
    expect(job.Replayable.anyOf[1]).toEqual({ type: "string", enum: ["true", "false"] });
    const nullable = merged(id).info["x-overrides"].some((override: Json) => override.file.endsWith("/nullable-job-fields.json"));
    expect(job.CompletedDate.anyOf).toEqual([{ type: "string", format: "date-time" }, { type: "string", const: "" }, ...(nullable ? [{ type: "null" }] : [])]);
    expect(job.Type.anyOf[0].enum).toContain("ApiReport");
    expect(job.Type.anyOf[1]).toEqual({ type: "string" });
    expect(spec.paths["/Jobs/{JobId}/Download"].get.responses).toHaveProperty("202");
    expect(spec.paths["/Jobs/{JobId}/Download"].get.responses["302"].headers.Location.required).toBe(true);
    expect(spec.paths["/Jobs"].get.responses["200"].content["application/json"].schema.anyOf).toHaveLength(2);
    expect(spec.security).toEqual([{ basicAuth: [] }]);
    expect(spec.components.securitySchemes.basicAuth).toMatchObject({ type: "http", scheme: "basic" });
    for (const item of Object.values(spec.paths) as Json[]) expect(item.parameters).toEqual([{ $ref: "#/components/parameters/IRVersion" }]);
    expect(spec.components.schemas.ErrorResponse.required).toEqual(["Status", "Message"]);
    expect(spec.info["x-overrides"].every((override: Json) => override.reason && override["x-source"] && override.file.startsWith("specs/overrides/"))).toBe(true);
  });

  it("lets the brand Job's unset dates and ResultUri be null, as its models do, and no other flavor's", () => {
    expect(merged("brand").components.schemas.Job.properties.StartedDate.anyOf).toContainEqual({ type: "null" });
    expect(merged("brand").components.schemas.Job.properties.ResultUri.type).toEqual(["string", "null"]);
    for (const id of ["partner-v15", "partner-v16", "agency-v3"]) expect(merged(id).components.schemas.Job.properties.StartedDate.anyOf).not.toContainEqual({ type: "null" });
  });

  it("gives each flavor its own rate-limit headers", () => {
    const headerNames = (id: string) => Object.keys(merged(id).components.headers).sort();
    expect(headerNames("partner-v15")).toEqual(["RateLimit-Reset", "Retry-After", "X-RateLimit-Limit-hour", "X-RateLimit-Remaining-hour"]);
    expect(headerNames("brand")).toEqual(["X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"]);
    expect(headerNames("agency-v3")).toEqual(["X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"]);
    expect(merged("partner-v15").paths["/Jobs/{JobId}"].get.responses["429"]).toEqual({ $ref: "#/components/responses/RateLimited" });
  });
});

describe("mergeSpec failures", () => {
  const flavor: Flavor = { id: "test-v1", package: "@impactkit/test-v1", api: "partner", apiVersion: "1", title: "Test", basePath: "/Mediapartners/{AccountSID}", accountType: "Partner" };
  let scratch: ReturnType<typeof scratchRoot>;
  beforeEach(() => {
    scratch = scratchRoot(false);
  });
  afterEach(() => scratch.dispose());
  const fragment = (extra: Json) => ({ "x-source": "https://example.test/doc", openapi: "3.1.0", info: { title: "t", version: "1" }, ...extra });
  const job = (description: string) => ({ components: { schemas: { Job: { type: "object", description } } } });

  it("names the file and JSON Pointer of a fragment that is not valid JSON", () => {
    scratch.write("specs/sources/test-v1/a.json", '{"openapi": "3.1.0", "paths": {"/Mediapartners/{AccountSID}/Jobs": {"get": ]}}}');
    expect(() => mergeSpec(scratch.root, flavor)).toThrow(/^specs\/sources\/test-v1\/a\.json#\/paths\/~1Mediapartners~1\{AccountSID\}~1Jobs\/get: invalid JSON/);
  });

  it("names the file and JSON Pointer of a fragment that is not valid OpenAPI", () => {
    scratch.write("specs/sources/test-v1/a.json", fragment({ paths: { "/Mediapartners/{AccountSID}/Jobs": { get: { parameters: [{ name: "CreatedAfter", schema: { type: "string" } }], responses: {} } } } }));
    expect(() => mergeSpec(scratch.root, flavor)).toThrow(
      expect.objectContaining({ file: "specs/sources/test-v1/a.json", pointer: "/paths/~1Mediapartners~1{AccountSID}~1Jobs/get/parameters/0" }),
    );
  });

  it("names both files when two fragments define a component differently", () => {
    scratch.write("specs/sources/test-v1/a.json", fragment(job("one")));
    scratch.write("specs/sources/test-v1/b.json", fragment(job("two")));
    expect(() => mergeSpec(scratch.root, flavor)).toThrow(
      "specs/sources/test-v1/b.json#/components/schemas/Job: defined differently in specs/sources/test-v1/a.json and specs/sources/test-v1/b.json",
    );
  });

  it("accepts the same component from several fragments (as the seed pages repeat the Job)", () => {
    scratch.write("specs/sources/test-v1/a.json", fragment(job("same")));
    scratch.write("specs/sources/test-v1/b.json", { ...fragment(job("same")), "x-source": "https://example.test/other" });
    expect(JSON.parse(mergeSpec(scratch.root, flavor)).components.schemas.Job).toEqual({ type: "object", description: "same", "x-source": "https://example.test/doc" });
  });

  it("requires each fragment to name its source", () => {
    scratch.write("specs/sources/test-v1/a.json", { ...fragment(job("x")), "x-source": "" });
    expect(() => mergeSpec(scratch.root, flavor)).toThrow("specs/sources/test-v1/a.json#/x-source: every fragment must name its source");
  });

  it("rejects a path outside the flavor's base path", () => {
    scratch.write("specs/sources/test-v1/a.json", fragment({ paths: { "/Advertisers/{AccountSID}/Jobs": { get: { responses: { "200": { description: "ok" } } } } } }));
    expect(() => mergeSpec(scratch.root, flavor)).toThrow("does not start with the flavor's base path /Mediapartners/{AccountSID}");
  });

  it("names the override file and patch entry that does not apply", () => {
    scratch.write("specs/sources/test-v1/a.json", fragment(job("x")));
    scratch.write("specs/overrides/test-v1/fix.json", { reason: "r", "x-source": "s", patch: [{ op: "remove", path: "/components/schemas/Nope" }] });
    expect(() => mergeSpec(scratch.root, flavor)).toThrow("specs/overrides/test-v1/fix.json#/patch/0: remove /components/schemas/Nope matches nothing");
  });
});
