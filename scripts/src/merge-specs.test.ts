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
    [
      "partner-v15",
      "/Mediapartners/{AccountSID}",
      ["/ClickExport", "/ReportExport/{Id}", "/Reports", "/Reports/{Id}/MetaData"],
      ["retrieveJobStatus", "downloadJobResults", "exportReports", "exportClicks", "listReports", "retrieveMetadata"],
    ],
    [
      "agency-v3",
      "/Agencies/{AccountSID}",
      ["/ReportExport/{ReportId}", "/Reports", "/Reports/{ReportId}/MetaData"],
      ["getJob", "downloadJobResult", "exportReport", "listAllReports", "getReportMetadata"],
    ],
    [
      "brand",
      "/Advertisers/{AccountSID}",
      ["/Programs/{ProgramId}/ClickExport", "/ReportExport/{ReportId_or_Handle}", "/Reports", "/Reports/{ReportId}/MetaData"],
      ["getJobById", "downloadJobResult", "exportReport", "exportClicks", "listAllReports", "getReportMetadata"],
    ],
  ])(
    "%s: the Jobs operations, its exports and report discovery under %s as published, with upstream's operationIds and each its source",
    (id, basePath, exports, operationIds) => {
      const spec = merged(id);
      expect(spec.openapi).toBe("3.1.0");
      expect(spec.servers).toEqual([{ url: "https://api.impact.com", description: expect.stringContaining(basePath) }]);
      expect(spec.info.version).toBe(byId(id).apiVersion);
      expect(Object.keys(spec.paths).sort()).toEqual(
        ["/Jobs", "/Jobs/{JobId}", "/Jobs/{JobId}/Download", "/Jobs/{JobId}/Replay", ...exports].map((path) => `${basePath}${path}`).sort(),
      );
      const operations = (Object.values(spec.paths) as Json[]).flatMap((item) =>
        Object.entries(item)
          .filter(([key]) => key !== "parameters")
          .map(([, operation]) => operation as Json),
      );
      expect(operations.map((operation) => operation.operationId)).toEqual(expect.arrayContaining([...operationIds, "listJobs", "replayJob"]));
      for (const operation of operations) expect(operation["x-source"]).toMatch(/^https:\/\//);
      expect(spec.components.schemas.Job["x-source"]).toMatch(/^https:\/\//);
    },
  );

  it.each(flavors.map((flavor) => [flavor.id, flavor.basePath]))("%s: the documented wire overrides are in place", (id, basePath) => {
    const spec = merged(id);
    const path = (relative: string) => spec.paths[`${basePath}${relative}`];
    const job = spec.components.schemas.Job.properties;
    expect(job.RecordsProcessed.anyOf).toEqual([
      { type: "integer", minimum: 0 },
      { type: "string", pattern: "^[0-9]+$" },
    ]);
    expect(job.Replayable.anyOf[1]).toEqual({ type: "string", enum: ["true", "false"] });
    const nullable = merged(id).info["x-overrides"].some((override: Json) => override.file.endsWith("/nullable-job-fields.json"));
    expect(job.CompletedDate.anyOf).toEqual([{ type: "string", format: "date-time" }, { type: "string", const: "" }, ...(nullable ? [{ type: "null" }] : [])]);
    expect(job.Type.anyOf[0].enum).toContain("ApiReport");
    expect(job.Type.anyOf[1]).toEqual({ type: "string" });
    expect(path("/Jobs/{JobId}/Download").get.responses).toHaveProperty("202");
    expect(path("/Jobs/{JobId}/Download").get.responses["302"].headers.Location.required).toBe(true);
    expect(path("/Jobs").get.responses["200"].content["application/json"].schema.anyOf).toHaveLength(2);
    expect(spec.security).toEqual([{ basicAuth: [] }]);
    expect(spec.components.securitySchemes.basicAuth).toMatchObject({ type: "http", scheme: "basic" });
    for (const item of Object.values(spec.paths) as Json[])
      expect(item.parameters).toEqual([expect.objectContaining({ name: "IR-Version", in: "header", required: false })]);
    expect(spec.components.schemas.ErrorResponse.required).toEqual(["Status", "Message"]);
    expect(spec.info["x-overrides"].every((override: Json) => override.reason && override["x-source"] && override.file.startsWith("specs/overrides/"))).toBe(
      true,
    );
    expect(JSON.stringify(spec.info["x-overrides"])).not.toMatch(/seed \d{3}/);
  });

  it.each(flavors.map((flavor) => [flavor.id, flavor.basePath]))(
    "%s: a mock server can run a flow on its examples: a completed job, a list that ends, an export naming a job",
    (id, basePath) => {
      const spec = merged(id);
      const examples = spec.components.examples;
      expect(examples.CompletedJob.value).toMatchObject({
        Status: "COMPLETED",
        ResultUri: `${basePath.replace("{AccountSID}", examples.CompletedJob.value.CreatedBy)}/Jobs/${examples.CompletedJob.value.Id}/Download`,
      });
      expect(examples.LastJobsPage.value["@nextpageuri"]).toBe("");
      const get = spec.paths[`${basePath}/Jobs/{JobId}`].get.responses["200"].content["application/json"];
      expect(get.examples.completed).toEqual({ $ref: "#/components/examples/CompletedJob" });
      const exportPath = Object.keys(spec.paths).find((path) => path.startsWith(`${basePath}/ReportExport/`))!;
      const answer = spec.paths[exportPath].get.responses["200"].content["application/json"];
      const queued =
        answer.example?.QueuedUri ??
        (answer.schema.$ref ? spec.components.schemas[answer.schema.$ref.split("/").at(-1)] : answer.schema).properties.QueuedUri.example;
      expect(queued).toMatch(/\/Jobs\/[0-9a-f-]{36}$/);
    },
  );

  it("lets the brand Job's unset dates and ResultUri be null, as its models do, and no other flavor's", () => {
    const brandJob = merged("brand").components.schemas.Job.properties;
    expect(brandJob.StartedDate.anyOf).toContainEqual({ type: "null" });
    expect(brandJob.ResultUri.type).toEqual(["string", "null"]);
    expect(JSON.stringify(brandJob)).not.toContain('"nullable"');
    for (const id of ["partner-v15", "partner-v16", "agency-v3"])
      expect(merged(id).components.schemas.Job.properties.StartedDate.anyOf).not.toContainEqual({ type: "null" });
  });

  it("gives each flavor its own rate-limit headers", () => {
    const headerNames = (id: string) => Object.keys(merged(id).components.headers).sort();
    expect(headerNames("partner-v15")).toEqual(["RateLimit-Reset", "Retry-After", "X-RateLimit-Limit-hour", "X-RateLimit-Remaining-hour"]);
    expect(headerNames("brand")).toEqual(["X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"]);
    expect(headerNames("agency-v3")).toEqual(["X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"]);
    expect(merged("partner-v15").paths["/Mediapartners/{AccountSID}/Jobs/{JobId}"].get.responses["429"]).toEqual({
      $ref: "#/components/responses/RateLimited",
    });
  });
});

describe("mergeSpec failures", () => {
  const flavor: Flavor = {
    id: "test-v1",
    package: "@impactkit/test-v1",
    api: "partner",
    apiVersion: "1",
    title: "Test",
    basePath: "/Mediapartners/{AccountSID}",
    accountType: "Partner",
  };
  let scratch: ReturnType<typeof scratchRoot>;
  beforeEach(() => {
    scratch = scratchRoot(false);
  });
  afterEach(() => scratch.dispose());
  const fragment = (extra: Json) => ({ openapi: "3.1.0", info: { title: "t", version: "1" }, ...extra });
  const job = (description: string) => ({ components: { schemas: { Job: { type: "object", description } } } });
  /** Writes sources and the manifest that lists them. */
  const sources = (files: Record<string, unknown>) => {
    for (const [file, content] of Object.entries(files)) scratch.write(`specs/sources/${file}`, content);
    const entry = (file: string) => ({ file, url: `https://example.test/${file}`, format: "openapi", fetched: "0".repeat(64), sha256: "0".repeat(64) });
    scratch.write("specs/sources/manifest.json", { sources: Object.keys(files).map(entry) });
  };

  it("names the file and JSON Pointer of a source that is not valid JSON", () => {
    sources({ "test-v1/a.json": '{"openapi": "3.1.0", "paths": {"/Mediapartners/{AccountSID}/Jobs": {"get": ]}}}' });
    expect(() => mergeSpec(scratch.root, flavor)).toThrow(
      /^specs\/sources\/test-v1\/a\.json#\/paths\/~1Mediapartners~1\{AccountSID\}~1Jobs\/get: invalid JSON/,
    );
  });

  it("names the file and JSON Pointer of a source that is not valid OpenAPI", () => {
    sources({
      "test-v1/a.json": fragment({
        paths: { "/Mediapartners/{AccountSID}/Jobs": { get: { parameters: [{ name: "CreatedAfter", schema: { type: "string" } }], responses: {} } } },
      }),
    });
    expect(() => mergeSpec(scratch.root, flavor)).toThrow(
      expect.objectContaining({ file: "specs/sources/test-v1/a.json", pointer: "/paths/~1Mediapartners~1{AccountSID}~1Jobs/get/parameters/0" }),
    );
  });

  it("names both files when two sources define a component differently", () => {
    sources({ "test-v1/a.json": fragment(job("one")), "test-v1/b.json": fragment(job("two")) });
    expect(() => mergeSpec(scratch.root, flavor)).toThrow(
      "specs/sources/test-v1/b.json#/components/schemas/Job: defined differently in specs/sources/test-v1/a.json and specs/sources/test-v1/b.json",
    );
  });

  it("accepts the same component from several sources (as the docs pages repeat the Job), naming the first's URL", () => {
    sources({ "test-v1/a.json": fragment(job("same")), "test-v1/b.json": fragment(job("same")) });
    expect(JSON.parse(mergeSpec(scratch.root, flavor)).components.schemas.Job).toEqual({
      type: "object",
      description: "same",
      "x-source": "https://example.test/test-v1/a.json",
    });
  });

  it("refuses a source file the manifest does not list, and a flavor without sources", () => {
    sources({ "test-v1/a.json": fragment(job("x")) });
    scratch.write("specs/sources/test-v1/stray.json", fragment(job("y")));
    expect(() => mergeSpec(scratch.root, flavor)).toThrow("specs/sources/test-v1/stray.json#: not in specs/sources/manifest.json");
    expect(() => mergeSpec(scratch.root, { ...flavor, id: "test-v2" })).toThrow("specs/sources/manifest.json#/sources: no source of test-v2");
  });

  it("rejects a path outside the flavor's base path", () => {
    sources({ "test-v1/a.json": fragment({ paths: { "/Advertisers/{AccountSID}/Jobs": { get: { responses: { "200": { description: "ok" } } } } } }) });
    expect(() => mergeSpec(scratch.root, flavor)).toThrow("does not start with the flavor's base path /Mediapartners/{AccountSID}");
  });

  it("reads {basePath} in an override's paths as the flavor's base path, {accountPath} in its values as an example account's", () => {
    sources({ "test-v1/a.json": fragment({ paths: { "/Mediapartners/{AccountSID}/Jobs": { get: { responses: { "200": { description: "ok" } } } } } }) });
    scratch.write("specs/overrides/test-v1/fix.json", {
      reason: "r",
      "x-source": "s",
      patch: [{ op: "add", path: "/paths/{basePath}~1Jobs/get/x-example", value: "{accountPath}/Jobs/1" }],
    });
    expect(JSON.parse(mergeSpec(scratch.root, flavor)).paths["/Mediapartners/{AccountSID}/Jobs"].get["x-example"]).toBe(
      "/Mediapartners/IRq8mWJybvoQ1020978kbj7am8zzM2dBL1/Jobs/1",
    );
  });

  it("names the override file and patch entry that does not apply", () => {
    sources({ "test-v1/a.json": fragment(job("x")) });
    scratch.write("specs/overrides/test-v1/fix.json", { reason: "r", "x-source": "s", patch: [{ op: "remove", path: "/components/schemas/Nope" }] });
    expect(() => mergeSpec(scratch.root, flavor)).toThrow("specs/overrides/test-v1/fix.json#/patch/0: remove /components/schemas/Nope matches nothing");
  });
});
