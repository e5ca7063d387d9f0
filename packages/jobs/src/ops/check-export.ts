import type { JobsContext } from "../impact/context.js";
import { InvalidArgumentError } from "../base/errors.js";
import { validateReportId } from "../base/job-id.js";
import { checkReportDates, reportDateParams } from "../impact/report-dates.js";
import { reportMetadata, type ReportMetadata } from "./reports.js";

const isMissing = (value: unknown) => value === undefined || value === null || value === "";

/**
 * What the flavor's spec alone says of a ReportExport, with no request: the report id, the parameters it marks
 * required, and its date parameters (real dates, the start not after the end). `exportReport` checks this before
 * it counts the export against the daily quota; throws an `InvalidArgumentError` naming the parameter.
 */
export function checkReportParams(context: JobsContext, reportId: string, params: Readonly<Record<string, unknown>>): void {
  validateReportId(reportId);
  const { traits } = context.client.spec;
  const missing = traits.requiredReportParams.filter((name) => isMissing(params[name]));
  if (missing.length > 0) throw new InvalidArgumentError(`ReportExport ${reportId} needs ${missing.join(" and ")}`, missing[0]);
  checkReportDates(params, reportDateParams(traits));
}

/**
 * Checks a ReportExport before it is scheduled or queued: a parameter the flavor's spec marks required left
 * out, a date parameter that is no real date (or a start after its end), and, where the release documents report discovery (`GET /Reports/{Id}/MetaData`,
 * https://integrations.impact.com/agency-v3/reference/reports/get-report-metadata), a parameter that is
 * neither the spec's nor one of the report's filters — one metadata request, which also finds a report that
 * does not exist (`metadata: false` leaves it out: the spec's check needs no credentials; the report's metadata,
 * fetched earlier, is used instead of a request). Rejects with an `InvalidArgumentError` naming the parameter.
 */
export async function checkReportExport(
  context: JobsContext,
  reportId: string,
  params: Record<string, unknown>,
  options: { signal?: AbortSignal; metadata?: boolean | ReportMetadata } = {},
): Promise<void> {
  checkReportParams(context, reportId, params);
  const { traits } = context.client.spec;
  if (!traits.reportDiscovery || options.metadata === false) return;
  const metadata = typeof options.metadata === "object" ? options.metadata : await reportMetadata(context, reportId, options.signal);
  const filters = metadata.Filters.map((filter) => filter.Name);
  const unknown = Object.keys(params).filter((name) => !filters.includes(name) && !traits.reportParams.includes(name));
  if (unknown.length > 0)
    throw new InvalidArgumentError(
      `${unknown.join(", ")} ${unknown.length === 1 ? "is not a filter" : "are not filters"} of report ${reportId}; its filters are ${filters.join(", ") || "none"}`,
      unknown[0],
    );
}

/**
 * Checks a ClickExport before it is scheduled or queued, against where the flavor's spec has it: nowhere
 * (agency), `/ClickExport` (partner), or `/Programs/{ProgramId}/ClickExport` (brand), which needs one
 * `ProgramId` (https://integrations.impact.com/impact-brand/reference/schedule-reports-with-reportexport-and-clickexport).
 * Throws an `InvalidArgumentError` naming what is at fault; sends nothing.
 */
export function checkClickExport(context: JobsContext, params: Record<string, unknown>): void {
  const { spec } = context.client;
  if (spec.traits.clickExport === "none") throw new InvalidArgumentError(`the ${spec.title} has no ClickExport`, "ClickExport");
  if (spec.traits.clickExport === "program" && typeof params["ProgramId"] !== "string" && typeof params["ProgramId"] !== "number")
    throw new InvalidArgumentError(`the ${spec.title} ClickExport needs a ProgramId`, "ProgramId");
}
