import { toPointer } from "./json-pointer.ts";
import { SpecError } from "./spec-error.ts";

// biome-ignore lint/suspicious/noExplicitAny: an OpenAPI document read as plain JSON.
type Json = Record<string, any>;

/**
 * The daily export limits of a flavor (`x-daily-limit` of its ReportExport and ClickExport operations, a whole
 * number above 0): `null` when neither has one; otherwise ReportExport must have one, and ClickExport is left out
 * where the flavor has none or its operation carries no limit.
 */
function dailyExportLimits(
  paths: Record<string, Json>,
  reportPath: string,
  clickPath: string | undefined,
  fail: (pointer: string, message: string) => never,
): { ReportExport: number; ClickExport?: number } | null {
  const limit = (path: string | undefined): number | undefined => {
    const value = (path === undefined ? undefined : paths[path]?.["get"]?.["x-daily-limit"]) as unknown;
    if (value === undefined) return undefined;
    return Number.isInteger(value) && (value as number) > 0
      ? (value as number)
      : fail(toPointer(["paths", path!, "get", "x-daily-limit"]), `${JSON.stringify(value)} is not a whole number above 0`);
  };
  const [report, click] = [limit(reportPath), limit(clickPath)];
  if (report === undefined && click === undefined) return null;
  if (report === undefined)
    return fail(
      toPointer(["paths", reportPath, "get"]),
      "no x-daily-limit, although ClickExport has one: a flavor with daily export limits gives ReportExport one",
    );
  return click === undefined ? { ReportExport: report } : { ReportExport: report, ClickExport: click };
}

/**
 * Reads a flavor's traits (`FlavorTraits` of `@impactkit/core`, which every flavor package's `SPEC` must
 * satisfy to compile) from its merged spec, paths relative to the account's base path; `file` names it in errors.
 */
export function flavorTraits(spec: Json, file: string) {
  const paths = spec["paths"] as Record<string, Json>;
  const fail = (pointer: string, message: string): never => {
    throw new SpecError(file, pointer, message);
  };
  const reportPath = Object.keys(paths).find((path) => /^\/ReportExport\/\{[^}]+\}$/.test(path)) ?? fail("/paths", "no /ReportExport/{…} path");
  const exportReport = paths[reportPath]!["get"] as Json;
  const getJob = (paths["/Jobs/{JobId}"]?.["get"] as Json | undefined) ?? fail("/paths", "no GET /Jobs/{JobId}");
  const headerNames = Object.keys((getJob["responses"]?.["200"]?.["headers"] ?? {}) as Json);
  const header = (test: (name: string) => boolean, what: string) =>
    headerNames.find(test) ?? fail("/paths/~1Jobs~1{JobId}/get/responses/200/headers", `no ${what} rate-limit header`);
  const clickPath = ["/ClickExport", "/Programs/{ProgramId}/ClickExport"].find((path) => paths[path]?.["get"]);
  const clicks = clickPath === undefined ? undefined : (paths[clickPath]!["get"] as Json);
  const dateParameter = ((clicks?.["parameters"] ?? []) as Json[]).find((parameter) => parameter["name"] === "Date");
  const listBody = paths["/Jobs"]?.["get"]?.["responses"]?.["200"]?.["content"]?.["application/json"] ?? fail("/paths/~1Jobs", "no JSON list body");
  const documented = (listBody["x-documented-schema"] ?? listBody["schema"]) as Json;
  const listParameters = (paths["/Jobs"]!["get"]["parameters"] ?? []) as Json[];
  const createdAfter = listParameters.find((parameter) => parameter["name"] === "CreatedAfter");
  const metadataPath = Object.keys(paths).find((path) => /^\/Reports\/\{[^}]+\}\/MetaData$/.test(path) && paths[path]?.["get"]);
  const startedDate = (spec["components"]?.["schemas"]?.["Job"]?.["properties"]?.["StartedDate"] ?? {}) as Json;
  return {
    rateLimitHeaders: {
      limit: header((name) => /limit/i.test(name) && !/remaining|reset/i.test(name), "limit"),
      remaining: header((name) => /remaining/i.test(name), "remaining"),
      reset: header((name) => /reset/i.test(name), "reset"),
    },
    reportParameter: reportPath.slice("/ReportExport/{".length, -1),
    reportParams: ((exportReport["parameters"] ?? []) as Json[])
      .filter((parameter) => parameter["in"] === "query")
      .map((parameter) => parameter["name"] as string),
    requiredReportParams: ((exportReport["parameters"] ?? []) as Json[])
      .filter((parameter) => parameter["in"] === "query" && parameter["required"] === true)
      .map((parameter) => parameter["name"] as string),
    clickExport: (paths["/ClickExport"] ? "account" : paths["/Programs/{ProgramId}/ClickExport"] ? "program" : "none") as "account" | "program" | "none",
    earliestClickDate: (dateParameter?.["schema"]?.["x-earliest"] as string | undefined) ?? null,
    refusalsAs200: exportReport["x-refusal-status"] === 200,
    listShape: (documented["type"] === "array" ? "array" : "envelope") as "array" | "envelope",
    listDateFormat: (createdAfter?.["schema"]?.["format"] === "date-time" ? "date-time" : "date") as "date" | "date-time",
    jobFields: Object.keys(spec["components"]?.["schemas"]?.["Job"]?.["properties"] ?? {}).sort(),
    unsetDates: (((startedDate["anyOf"] ?? []) as Json[]).some((member) => member["type"] === "null") ? "null" : "empty") as "null" | "empty",
    reportDiscovery:
      paths["/Reports"]?.["get"] && metadataPath
        ? {
            metadataParameter: metadataPath.slice("/Reports/{".length, -"}/MetaData".length),
            listShape: (paths["/Reports"]["get"]["responses"]?.["200"]?.["content"]?.["application/json"]?.["schema"]?.["type"] === "array"
              ? "array"
              : "envelope") as "array" | "envelope",
          }
        : null,
    dailyExportLimits: dailyExportLimits(paths, reportPath, clickPath, fail),
  };
}
