import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { diffSpecs, maxLevel, readablePointer, type Level } from "./spec-diff.ts";
import { REPO_ROOT } from "./test-support.ts";

type Json = Record<string, any>;

const base = (): Json => ({
  openapi: "3.1.0",
  info: { title: "T", version: "1" },
  paths: {
    "/Jobs": {
      get: {
        operationId: "listJobs",
        summary: "List",
        parameters: [{ name: "CreatedAfter", in: "query", required: false, schema: { type: "string", format: "date" } }],
        responses: {
          "200": {
            description: "ok",
            headers: { "X-RateLimit-Remaining": { schema: { type: "integer" } } },
            content: { "application/json": { schema: { $ref: "#/components/schemas/Job" } } },
          },
        },
      },
    },
    "/Jobs/{JobId}/Replay": {
      put: {
        operationId: "replayJob",
        requestBody: { content: { "application/json": { schema: { type: "object", properties: { Reason: { type: "string" }, Note: { type: "string" } } } } } },
        responses: { "200": { description: "ok" } },
      },
    },
  },
  components: {
    schemas: {
      Job: { type: "object", description: "A job.", properties: { Id: { type: "string" }, Status: { type: "string", enum: ["QUEUED", "COMPLETED"] } } },
    },
  },
});

const RESPONSE = "GET /Jobs responses 200 content application/json schema";

/** Each kind of change, the bump `redocly diff` rates it, the rule and what it says. */
const cases: Array<[string, (spec: Json) => void, Level | undefined, Partial<{ where: string; message: string; rule: string }>]> = [
  ["no change", () => undefined, undefined, {}],
  [
    "a removed operation",
    (spec) => delete spec.paths["/Jobs/{JobId}/Replay"],
    "major",
    { rule: "path-removed", message: "Path `/Jobs/{JobId}/Replay` was removed." },
  ],
  [
    "an added operation",
    (spec) => (spec.paths["/Jobs/{JobId}"] = { get: { operationId: "getJob", responses: { "200": { description: "ok" } } } }),
    "minor",
    { where: "/Jobs/{JobId}", message: "PathItem added" },
  ],
  [
    "a parameter made required",
    (spec) => (spec.paths["/Jobs"].get.parameters[0].required = true),
    "major",
    { rule: "parameter-became-required", message: "`CreatedAfter` query parameter became required." },
  ],
  [
    "an added optional parameter",
    (spec) => spec.paths["/Jobs"].get.parameters.push({ name: "CreatedBefore", in: "query", schema: { type: "string" } }),
    "minor",
    { message: "Parameter added" },
  ],
  [
    "a newly required request-body property",
    (spec) => (spec.paths["/Jobs/{JobId}/Replay"].put.requestBody.content["application/json"].schema.required = ["Reason"]),
    "major",
    { rule: "required-properties-added", message: "Properties became required: `Reason`." },
  ],
  [
    "a response header whose type changed",
    (spec) => (spec.paths["/Jobs"].get.responses["200"].headers["X-RateLimit-Remaining"].schema.type = "string"),
    "major",
    { rule: "schema-type-changed", where: "GET /Jobs responses 200 headers X-RateLimit-Remaining schema" },
  ],
  // An exhaustive `switch` over the generated union no longer covers every value: major, not minor.
  [
    "a new response enum value",
    (spec) => spec.components.schemas.Job.properties.Status.enum.push("FAILED"),
    "major",
    { rule: "enum-values-added", where: `${RESPONSE}.Status`, message: "Enum of `Status` gained values: 'FAILED'." },
  ],
  // A server that no longer sends a value breaks nothing at run time, but `case "COMPLETED":` over the generated union no longer compiles.
  [
    "a removed response enum value",
    (spec) => spec.components.schemas.Job.properties.Status.enum.pop(),
    "major",
    { rule: "sdk-enum-value-removed", where: `${RESPONSE}.Status`, message: "Enum lost values: 'COMPLETED'; code comparing with them no longer compiles" },
  ],
  ["a removed response field", (spec) => delete spec.components.schemas.Job.properties.Id, "major", { rule: "property-removed", where: `${RESPONSE}.Id` }],
  ["an added response field", (spec) => (spec.components.schemas.Job.properties.Type = { type: "string" }), "minor", { where: `${RESPONSE}.Type` }],
  ["a changed description", (spec) => (spec.components.schemas.Job.description = "A scheduled job."), "patch", { message: "description modified" }],
];

describe("diffSpecs: redocly diff's rules, and the SDK's own", () => {
  it.each(cases)("%s", (_name, change, level, expected) => {
    const after = base();
    change(after);
    const changes = diffSpecs(base(), after);
    expect(maxLevel(changes)).toBe(level);
    if (level) expect(changes).toContainEqual(expect.objectContaining({ level, ...expected }));
    else expect(changes).toEqual([]);
  });

  it("rates Partner v15 → v16 as upstream publishes them: no operation, parameter or field differs, only their sources and the release's name", () => {
    const read = (id: string) => JSON.parse(readFileSync(join(REPO_ROOT, `specs/${id}.openapi.json`), "utf8")) as Json;
    const changes = diffSpecs(read("partner-v15"), read("partner-v16"));
    expect(maxLevel(changes)).toBe("patch");
    expect(new Set(changes.map((change) => change.message))).toEqual(
      new Set(["x-source modified", "description modified", "title modified", "version modified"]),
    );
  });

  const partner = () => JSON.parse(readFileSync(join(REPO_ROOT, "specs/partner-v15.openapi.json"), "utf8")) as Json;
  const BASE = "/Mediapartners/{AccountSID}";

  it("rates a change of a flavor trait that changes existing calls major, whatever the types say", () => {
    const after = partner();
    after.paths[`${BASE}/ReportExport/{Id}`].get["x-refusal-status"] = 200;
    expect(diffSpecs(partner(), after)).toContainEqual({
      level: "major",
      where: "SPEC.traits.refusalsAs200",
      message: "false became true: jobs, the sandbox and the CLI act on it",
      rule: "sdk-traits",
    });
  });

  it("never rates an addition major for a trait: a new Job field, report discovery appearing, a report parameter no longer required", () => {
    const wider = partner();
    wider.components.schemas.Job.properties.ExportedRows = { type: "integer" };
    expect(diffSpecs(partner(), wider)).toContainEqual(expect.objectContaining({ level: "minor", where: "SPEC.traits.jobFields", rule: "sdk-traits" }));
    expect(maxLevel(diffSpecs(partner(), wider))).toBe("minor");
    const bare = partner();
    delete bare.paths[`${BASE}/Reports`];
    expect(diffSpecs(bare, partner())).toContainEqual(expect.objectContaining({ level: "minor", where: "SPEC.traits.reportDiscovery" }));
    expect(diffSpecs(partner(), bare)).toContainEqual(expect.objectContaining({ level: "major", where: "SPEC.traits.reportDiscovery" }));
    const optional = partner();
    for (const parameter of optional.paths[`${BASE}/ReportExport/{Id}`].get.parameters) parameter.required = parameter.in === "path";
    expect(diffSpecs(partner(), optional)).toContainEqual(expect.objectContaining({ level: "minor", where: "SPEC.traits.requiredReportParams" }));
  });
});

describe("diffSpecs: the daily export limits (x-daily-limit)", () => {
  const partner = () => JSON.parse(readFileSync(join(REPO_ROOT, "specs/partner-v15.openapi.json"), "utf8")) as Json;
  const REPORT = "/Mediapartners/{AccountSID}/ReportExport/{Id}";
  const CLICKS = "/Mediapartners/{AccountSID}/ClickExport";
  const limits = (report: number | undefined, clicks: number | undefined): Json => {
    const spec = partner();
    for (const [path, limit] of [
      [REPORT, report],
      [CLICKS, clicks],
    ] as const) {
      if (limit === undefined) delete spec.paths[path].get["x-daily-limit"];
      else spec.paths[path].get["x-daily-limit"] = limit;
    }
    return spec;
  };
  const rated = (before: Json, after: Json) => diffSpecs(before, after).filter((change) => change.rule === "sdk-traits");

  // The server enforces its quota whatever the SDK counts: code built on the last release sends and reads the same.
  it.each([
    ["documented where none was", limits(undefined, undefined), limits(100, 10), 'null became {"ReportExport":100,"ClickExport":10}'],
    ["raised", limits(100, 10), limits(200, 10), 'became {"ReportExport":200,"ClickExport":10}'],
    ["lowered", limits(100, 10), limits(100, 5), 'became {"ReportExport":100,"ClickExport":5}'],
    ["no longer documented", limits(100, 10), limits(undefined, undefined), "became null"],
  ])("a limit %s is minor", (_name, before, after, says) => {
    expect(rated(before, after)).toEqual([
      { level: "minor", where: "SPEC.traits.dailyExportLimits", message: expect.stringContaining(says) as string, rule: "sdk-traits" },
    ]);
    expect(maxLevel(diffSpecs(before, after))).toBe("minor");
  });

  it("reads a ClickExport without a limit as none, and refuses a click limit without a report limit or a limit that is no whole number", () => {
    expect(rated(limits(100, 10), limits(100, undefined))).toEqual([
      expect.objectContaining({ level: "minor", message: expect.stringContaining('became {"ReportExport":100}') as string }),
    ]);
    expect(() => diffSpecs(partner(), limits(undefined, 10))).toThrow(/ReportExport~1\{Id\}\/get: no x-daily-limit, although ClickExport has one/);
    expect(() => diffSpecs(partner(), limits(0.5, 10))).toThrow(/x-daily-limit: 0.5 is not a whole number above 0/);
  });
});

describe("readablePointer", () => {
  it.each([
    ["#/paths/~1Jobs~1{JobId}/get/responses/200", "GET /Jobs/{JobId} responses 200"],
    ["#/paths/~1Reports", "/Reports"],
    ["#/components/schemas/Job/properties/Status", "components.schemas.Job.Status"],
    ["#/info", "info"],
  ])("%s reads %s", (pointer, readable) => {
    expect(readablePointer(pointer)).toBe(readable);
  });
});
