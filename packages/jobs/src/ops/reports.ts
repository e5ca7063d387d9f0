import type { JobsContext } from "../impact/context.js";
import { InvalidArgumentError } from "../base/errors.js";
import { validateReportId } from "../base/job-id.js";
import { callApi } from "../http/call.js";

/** A report of the account, as `GET /Reports` lists it (https://integrations.impact.com/partner-api-reference/reference/reports). */
export interface Report {
  Id: string;
  Name: string | undefined;
  Category: string | undefined;
  Description: string | undefined;
  /** Whether it can be exported through the API (`ReportExport`); the others are UI-only. */
  ApiAccessible: boolean;
  raw: Record<string, unknown>;
}

/** A filter of a report: the query parameter of its name, and the type it takes. */
export interface ReportFilter {
  Name: string;
  DataType: string | undefined;
  Format: string | undefined;
}

/** What a report takes and gives (`GET /Reports/{Id}/MetaData`): its filters and its columns. */
export interface ReportMetadata {
  Id: string;
  Name: string | undefined;
  Filters: ReportFilter[];
  Attributes: Array<{ Name: string; DataType: string | undefined; Description: string | undefined }>;
  raw: Record<string, unknown>;
}

const text = (value: unknown) => (typeof value === "string" ? value : undefined);
const record = (value: unknown, what: string): Record<string, unknown> => {
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new TypeError(`expected ${what}, got ${JSON.stringify(value)?.slice(0, 120)}`);
  return value as Record<string, unknown>;
};
const named = <T>(value: unknown, what: string, read: (entry: Record<string, unknown>, name: string) => T): T => {
  const entry = record(value, what);
  if (typeof entry["Name"] !== "string") throw new TypeError(`${what} without a Name: ${JSON.stringify(value)?.slice(0, 120)}`);
  return read(entry, entry["Name"]);
};

/** The flavor's report discovery; refuses, before any request, a flavor whose spec does not document it. */
function discovery(context: JobsContext): { readonly metadataParameter: string } {
  const { reportDiscovery } = context.client.spec.traits;
  if (!reportDiscovery) throw new InvalidArgumentError(`the ${context.client.spec.title} documents no report discovery (GET /Reports)`);
  return reportDiscovery;
}

/**
 * `GET /Reports`: every report of the account, API-accessible or not. The body is `{"Reports": […]}`
 * (partner, brand) or a bare array (https://integrations.impact.com/agency-v3/reference/reportexport/models); either is read.
 */
export async function listReports(context: JobsContext, signal?: AbortSignal): Promise<Report[]> {
  discovery(context);
  const read = (body: unknown): Report[] => {
    const reports = Array.isArray(body) ? body : record(body, '{"Reports": [...]}')["Reports"];
    if (!Array.isArray(reports)) throw new TypeError(`expected {"Reports": [...]} or an array, got ${JSON.stringify(body)?.slice(0, 120)}`);
    return reports.map((entry) => {
      const raw = record(entry, "a Report");
      if (typeof raw["Id"] !== "string") throw new TypeError(`a Report without an Id: ${JSON.stringify(entry)?.slice(0, 120)}`);
      return {
        Id: raw["Id"],
        Name: text(raw["Name"]),
        Category: text(raw["Category"]),
        Description: text(raw["Description"]),
        ApiAccessible: raw["ApiAccessible"] === true || raw["ApiAccessible"] === "true",
        raw,
      };
    });
  };
  const { body } = await callApi(context.call, "GET /Reports", (s) => context.client.GET("/Reports", { parseAs: "text", signal: s }), signal, {
    template: "GET /Reports",
    read,
  });
  return body;
}

/** `GET /Reports/{Id}/MetaData` (`{ReportId}` of agency and brand): the filters a report takes and the columns it gives. */
export async function reportMetadata(context: JobsContext, reportId: string, signal?: AbortSignal): Promise<ReportMetadata> {
  const { metadataParameter } = discovery(context);
  validateReportId(reportId);
  const what = `GET /Reports/${reportId}/MetaData`;
  const read = (body: unknown): ReportMetadata => {
    const raw = record(body, "report metadata");
    const list = (key: string) => (Array.isArray(raw[key]) ? (raw[key] as unknown[]) : []);
    return {
      Id: text(raw["Id"]) ?? reportId,
      Name: text(raw["Name"]),
      Filters: list("Filters").map((entry) =>
        named(entry, "a report filter", (filter, Name) => ({ Name, DataType: text(filter["DataType"]), Format: text(filter["Format"]) })),
      ),
      Attributes: list("Attributes").map((entry) =>
        named(entry, "a report attribute", (attribute, Name) => ({ Name, DataType: text(attribute["DataType"]), Description: text(attribute["Description"]) })),
      ),
      raw,
    };
  };
  const { body } = await callApi(
    context.call,
    what,
    (s) => context.client.GET(`/Reports/{${metadataParameter}}/MetaData`, { params: { path: { [metadataParameter]: reportId } }, parseAs: "text", signal: s }),
    signal,
    { template: `GET /Reports/{${metadataParameter}}/MetaData`, read },
  );
  return body;
}
