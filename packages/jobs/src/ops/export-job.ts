import type { JobsContext } from "../impact/context.js";
import { ExportQuotaError, ExportRefusedError } from "../base/errors.js";
import { checkClickExport, checkReportParams } from "./check-export.js";
import { jobIdFromQueuedUri } from "../base/job-id.js";
import { callApi } from "../http/call.js";
import type { ExportKind } from "../impact/export-quota.js";
import { blockExports, takeExport } from "./export-quota.js";

/** A scheduled export: its job and where to find it. */
export interface JobHandle {
  id: string;
  queuedUri: string;
  resultUri: string | undefined;
  replayUri: string | undefined;
}

interface ExportAnswer {
  Status?: unknown;
  Message?: unknown;
  QueuedUri?: unknown;
  ResultUri?: unknown;
  ReplayUri?: unknown;
}

/** An export's 200: a refusal (`Status: "ERROR"`) or a scheduled job with its `QueuedUri`; anything else is malformed. */
function exportAnswer(body: unknown): ExportAnswer & ({ Status: "ERROR" } | { QueuedUri: string }) {
  const answer = (body !== null && typeof body === "object" && !Array.isArray(body) ? body : {}) as ExportAnswer;
  if (typeof answer.Status === "string" && answer.Status.toUpperCase() === "ERROR") return { ...answer, Status: "ERROR" };
  if (typeof answer.QueuedUri !== "string") throw new TypeError(`no QueuedUri in ${JSON.stringify(body)?.slice(0, 160)}`);
  return answer as ExportAnswer & { QueuedUri: string };
}

/** Schedules an export of `kind`, counted against the account's daily quota of that kind before it is sent (`takeExport`). */
async function schedule(
  context: JobsContext,
  kind: ExportKind,
  what: string,
  path: string,
  params: Record<string, unknown>,
  signal: AbortSignal | undefined,
): Promise<JobHandle> {
  const limit = await takeExport(context, kind, what, signal);
  const { body: answer } = await callApi(context.call, what, (s) => context.client.GET(path, { params, parseAs: "text", signal: s }), signal, {
    read: exportAnswer,
    template: `GET ${path}`,
    ...(limit === undefined ? {} : { beyondHour: (renewsAt: number) => new ExportQuotaError(kind, limit, renewsAt) }),
  }).catch(async (error: unknown) => {
    if (error instanceof ExportQuotaError) await blockExports(context, kind, error.renewsAt);
    throw error;
  });
  if (!("QueuedUri" in answer) || typeof answer.QueuedUri !== "string")
    throw new ExportRefusedError(what, typeof answer.Message === "string" ? answer.Message : undefined);
  const id = jobIdFromQueuedUri(answer.QueuedUri);
  context.ages.created(id, context.call.timing.now());
  return {
    id,
    queuedUri: answer.QueuedUri,
    resultUri: typeof answer.ResultUri === "string" ? answer.ResultUri : undefined,
    replayUri: typeof answer.ReplayUri === "string" ? answer.ReplayUri : undefined,
  };
}

/**
 * `GET /ReportExport/{Id}` schedules a report export. An identical request returns the existing job
 * (https://integrations.impact.com/impact-brand/reference/schedule-reports-with-reportexport-and-clickexport),
 * so retrying it is safe. The agency API refuses with HTTP 200 and `Status: "ERROR"`: that is an
 * `ExportRefusedError`, not a job. Over the account's daily ReportExport quota it rejects with `ExportQuotaError`.
 * What the spec alone refuses (`checkReportParams`) is refused before the quota counts it or a request is sent.
 */
export async function exportReport(context: JobsContext, reportId: string, query: Record<string, unknown>, signal?: AbortSignal): Promise<JobHandle> {
  checkReportParams(context, reportId, query);
  const name = context.client.spec.traits.reportParameter;
  return schedule(context, "ReportExport", `ReportExport ${reportId}`, `/ReportExport/{${name}}`, { path: { [name]: reportId }, query }, signal);
}

/**
 * ClickExport where the flavor's spec has it: `/ClickExport` (partner), `/Programs/{ProgramId}/ClickExport` (brand), or
 * nowhere (agency). Over the account's daily ClickExport quota it rejects with `ExportQuotaError`.
 */
export async function exportClicks(context: JobsContext, params: Record<string, unknown>, signal?: AbortSignal): Promise<JobHandle> {
  checkClickExport(context, params);
  if (context.client.spec.traits.clickExport === "account") return schedule(context, "ClickExport", "ClickExport", "/ClickExport", { query: params }, signal);
  const { ProgramId, ...query } = params;
  return schedule(context, "ClickExport", "ClickExport", "/Programs/{ProgramId}/ClickExport", { path: { ProgramId: String(ProgramId) }, query }, signal);
}
