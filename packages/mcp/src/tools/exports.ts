import { InvalidArgumentError, type Jobs } from "@impactkit/jobs";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { Accounts } from "../accounts.js";
import { exportKey, metadataOf, reusable, stateOf } from "../state.js";
import { answer, failure, refusal } from "../tool-result.js";

const FILTER_VALUE = z.union([z.string().max(1000), z.number(), z.boolean(), z.array(z.string().max(1000)).max(100)]);

const EXPORTED = {
  jobId: z.string(),
  reused: z.boolean().describe("true when an identical earlier request's job is given again: no request was sent, no quota spent"),
  exportsLeftToday: z.number().nullable().describe("This kind's exports left in the account's daily quota; null where the flavor documents none"),
};

/** The exports of `kind` left today, as the account's quota store counts them. */
async function leftToday(jobs: Jobs<{}>, kind: "ReportExport" | "ClickExport"): Promise<number | null> {
  return (await jobs.exportQuota())[kind]?.left ?? null;
}

/**
 * An export of `kind`: the job an identical request of the last day scheduled (nothing sent), else `schedule()`'s —
 * checked against the spec, the report's filters and the daily quota before anything is scheduled.
 */
async function exported(jobs: Jobs<{}>, kind: "ReportExport" | "ClickExport", key: string, schedule: () => Promise<{ id: string }>, reportId?: string) {
  const earlier = reusable(jobs, key, Date.now());
  if (earlier !== undefined) return answer({ jobId: earlier, reused: true, exportsLeftToday: await leftToday(jobs, kind) });
  const handle = await schedule();
  const state = stateOf(jobs);
  state.exports.set(key, { jobId: handle.id, at: Date.now() });
  if (reportId !== undefined) state.jobs.set(handle.id, { reportId });
  return answer({ jobId: handle.id, reused: false, exportsLeftToday: await leftToday(jobs, kind) });
}

/** `export_report` and `export_clicks`: schedule a job (ReportExport, ClickExport), checked before anything is sent. */
export function exportTools(server: McpServer, accounts: Accounts): void {
  server.registerTool(
    "export_report",
    {
      title: "Export a report",
      description:
        "Schedules a ReportExport job and returns its id; then call wait_for_job. The parameters are checked against the API's spec and the report's filters (describe_report) and the daily quota (ReportExport: 100 a day for partner and brand) before anything is sent. An identical request reuses the job it scheduled.",
      inputSchema: {
        account: accounts.schema,
        reportId: z.string().min(1).max(200).describe("The report's id, from list_reports"),
        params: z
          .record(z.string().max(100), FILTER_VALUE)
          .default({})
          .describe("The report's filters, by name (describe_report lists them): partner reports need START_DATE and END_DATE as YYYY-MM-DD"),
        resultFormat: z.enum(["CSV", "JSON"]).optional().describe("What the API produces (default CSV); preview and summary read both"),
      },
      outputSchema: EXPORTED,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    },
    async ({ account, reportId, params, resultFormat }, { signal }) => {
      try {
        const { jobs } = accounts.of(account);
        const query = { ...params, ...(resultFormat ? { ResultFormat: resultFormat } : {}) };
        return await exported(
          jobs,
          "ReportExport",
          exportKey("ReportExport", reportId, query),
          async () => {
            // The report's metadata (its filters) is fetched once and serves describe_report and the result's column types too.
            const metadata = jobs.spec.traits.reportDiscovery ? await metadataOf(jobs, reportId) : false;
            await jobs.checkReportExport(reportId, query as never, { signal, metadata });
            return jobs.exportReport(reportId, query as never, { signal });
          },
          reportId,
        );
      } catch (error) {
        return failure(error);
      }
    },
  );

  server.registerTool(
    "export_clicks",
    {
      title: "Export a day's clicks",
      description:
        "Schedules a ClickExport job for one day (partner; brand with programId) and returns its id; then call wait_for_job. The daily quota (10 ClickExports a day) is checked before anything is sent; an identical request reuses the job it scheduled.",
      inputSchema: {
        account: accounts.schema,
        date: z
          .string()
          .regex(/^\d{4}-\d{2}-\d{2}$/, "date takes YYYY-MM-DD")
          .describe("The day of the clicks, YYYY-MM-DD"),
        programId: z.string().regex(/^\d+$/, "programId takes the program's number").optional().describe("The program (brand: required)"),
      },
      outputSchema: EXPORTED,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    },
    async ({ account, date, programId }, { signal }) => {
      try {
        const { jobs } = accounts.of(account);
        const params = { Date: date, ...(programId ? { ProgramId: jobs.spec.traits.clickExport === "program" ? programId : [programId] } : {}) };
        return await exported(jobs, "ClickExport", exportKey("ClickExport", "", params), () => jobs.exportClicks(params as never, { signal }));
      } catch (error) {
        // The library's rule, in this tool's words: its argument is programId.
        if (error instanceof InvalidArgumentError && error.option === "ProgramId")
          return refusal("export_clicks needs programId on this API: its ClickExport is per program");
        return failure(error);
      }
    },
  );
}
