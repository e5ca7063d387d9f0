import { describe, expect, it } from "vitest";
import { diffSpecs, maxLevel, type Level } from "./spec-diff.ts";

type Json = Record<string, any>;

const base = (): Json => ({
  openapi: "3.1.0",
  info: { title: "T", version: "1", description: "d" },
  servers: [{ url: "https://api.impact.com/Mediapartners/{AccountSID}" }],
  paths: {
    "/Jobs": {
      get: {
        operationId: "listJobs",
        summary: "List",
        parameters: [{ name: "CreatedAfter", in: "query", required: false, schema: { type: "string", format: "date" } }],
        responses: { "200": { description: "ok", content: { "application/json": { schema: { $ref: "#/components/schemas/JobList" } } } } },
      },
    },
    "/Jobs/{JobId}": {
      get: {
        operationId: "getJob",
        summary: "Get",
        parameters: [{ name: "JobId", in: "path", required: true, schema: { type: "string" } }],
        responses: { "200": { description: "ok", content: { "application/json": { schema: { $ref: "#/components/schemas/Job" } } } }, "404": { description: "missing" } },
      },
    },
  },
  components: {
    schemas: {
      Job: {
        type: "object",
        description: "A job.",
        properties: {
          Id: { type: "string" },
          Status: { type: "string", enum: ["QUEUED", "RUNNING", "COMPLETED"] },
          RecordsProcessed: { type: ["integer", "string"] },
          ResultUri: { type: "string" },
        },
      },
      JobList: { type: "object", properties: { Jobs: { type: "array", items: { $ref: "#/components/schemas/Job" } } } },
    },
  },
});

const cases: Array<[string, (spec: Json) => void, Level | undefined, string]> = [
  ["no change", () => undefined, undefined, ""],
  ["a removed operation", (spec) => delete spec.paths["/Jobs/{JobId}"], "major", "GET /Jobs/{JobId}: operation removed"],
  ["an added operation", (spec) => (spec.paths["/Jobs/{JobId}/Replay"] = { put: { operationId: "replayJob", responses: { "200": { description: "ok" } } } }), "minor", "PUT /Jobs/{JobId}/Replay: operation added"],
  ["a removed parameter", (spec) => (spec.paths["/Jobs"].get.parameters = []), "major", "GET /Jobs: query CreatedAfter parameter removed"],
  ["an added optional parameter", (spec) => spec.paths["/Jobs"].get.parameters.push({ name: "CreatedBefore", in: "query", schema: { type: "string" } }), "minor", "GET /Jobs: query CreatedBefore parameter added"],
  ["an added required parameter", (spec) => spec.paths["/Jobs"].get.parameters.push({ name: "Type", in: "query", required: true, schema: { type: "string" } }), "major", "GET /Jobs: query Type parameter added as required"],
  ["a parameter made required", (spec) => (spec.paths["/Jobs"].get.parameters[0].required = true), "major", "GET /Jobs: query CreatedAfter parameter newly required"],
  ["a parameter made optional", (spec) => (spec.paths["/Jobs/{JobId}"].get.parameters[0].required = false), "minor", "GET /Jobs/{JobId}: path JobId parameter now optional"],
  ["a removed response field", (spec) => delete spec.components.schemas.Job.properties.ResultUri, "major", "components.schemas.Job.ResultUri: response field removed"],
  ["an added response field", (spec) => (spec.components.schemas.Job.properties.Type = { type: "string" }), "minor", "components.schemas.Job.Type: property added"],
  ["a removed enum value", (spec) => spec.components.schemas.Job.properties.Status.enum.pop(), "major", 'components.schemas.Job.Status: enum value "COMPLETED" removed'],
  ["an added enum value", (spec) => spec.components.schemas.Job.properties.Status.enum.push("FAILED"), "minor", 'components.schemas.Job.Status: enum value "FAILED" added'],
  ["a narrowed type", (spec) => (spec.components.schemas.Job.properties.RecordsProcessed.type = "integer"), "major", "components.schemas.Job.RecordsProcessed: type string no longer allowed (narrowed)"],
  ["a widened type", (spec) => (spec.components.schemas.Job.properties.Id.type = ["string", "null"]), "minor", "components.schemas.Job.Id: type null now allowed (widened)"],
  ["an added constraint on an input", (spec) => (spec.paths["/Jobs/{JobId}"].get.parameters[0].schema.format = "uuid"), "major", 'GET /Jobs/{JobId} path JobId: format added: "uuid" (narrowed)'],
  ["a removed constraint", (spec) => delete spec.paths["/Jobs"].get.parameters[0].schema.format, "minor", "GET /Jobs query CreatedAfter: format removed (widened)"],
  ["a removed response status", (spec) => delete spec.paths["/Jobs/{JobId}"].get.responses["404"], "major", "GET /Jobs/{JobId}: response 404 removed"],
  ["an added response status", (spec) => (spec.paths["/Jobs"].get.responses["429"] = { description: "slow down" }), "minor", "GET /Jobs: response 429 added"],
  ["a response field now always present", (spec) => (spec.components.schemas.JobList.required = ["Jobs"]), "minor", "components.schemas.JobList.Jobs: now always present"],
  ["a changed description", (spec) => (spec.components.schemas.Job.description = "A scheduled job."), "patch", "components.schemas.Job: description changed"],
  ["a changed summary", (spec) => (spec.paths["/Jobs"].get.summary = "List all jobs"), "patch", "GET /Jobs: summary changed"],
  ["a changed example", (spec) => (spec.components.schemas.Job.properties.Id.example = "d8807a9f"), "patch", "components.schemas.Job.Id: example changed"],
  ["a changed source", (spec) => (spec.components.schemas.Job["x-source"] = "https://integrations.impact.com/x"), "patch", "components.schemas.Job: x-source changed"],
  ["a changed server", (spec) => (spec.servers[0].url = "https://api.impact.com/Partners/{AccountSID}"), "major", "servers: server URL changed"],
];

describe("diffSpecs classifies each kind of change", () => {
  it.each(cases)("%s", (_name, change, level, expected) => {
    const after = base();
    change(after);
    const changes = diffSpecs(base(), after);
    expect(maxLevel(changes)).toBe(level);
    if (level) expect(changes.map((entry) => `${entry.where}: ${entry.message}`)).toContain(expected);
    else expect(changes).toEqual([]);
  });

  it("takes the largest level when changes mix", () => {
    const after = base();
    after.components.schemas.Job.description = "changed";
    after.paths["/Jobs"].get.responses["429"] = { description: "slow down" };
    delete after.components.schemas.Job.properties.Id;
    expect(maxLevel(diffSpecs(base(), after))).toBe("major");
  });

  it("looks inside anyOf alternatives, as the wire overrides use them", () => {
    const before = base();
    before.components.schemas.Job.properties.Type = { type: "string", anyOf: [{ type: "string", enum: ["ApiReport", "ClickExport"] }, { type: "string" }] };
    const after = structuredClone(before);
    after.components.schemas.Job.properties.Type.anyOf[0].enum = ["ApiReport"];
    expect(diffSpecs(before, after)).toEqual([{ level: "major", where: "components.schemas.Job.Type (anyOf[0])", message: 'enum value "ClickExport" removed' }]);
  });
});
