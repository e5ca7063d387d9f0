import type { Command } from "commander";
import { InvalidArgumentError, type Jobs, type Report, reportDateParams } from "@impactkit/jobs";
import { CALL_TIMEOUT_OPTION, type CommandContext, type GlobalOptions, openJobs } from "../context.js";
import { parseTimeout } from "../duration.js";
import { UsageError } from "../exit-codes.js";

type Globals = () => GlobalOptions;

const reportJson = (report: Report) => ({
  Id: report.Id,
  Name: report.Name ?? null,
  Category: report.Category ?? null,
  Description: report.Description ?? null,
  ApiAccessible: report.ApiAccessible,
});

/** `impactkit reports list|describe`: report discovery, for the releases whose spec documents it (all four today). */
export function reportsCommands(program: Command, globals: Globals, context: CommandContext): void {
  const reports = program
    .command("reports")
    .description("find the account's reports and the filters they take (GET /Reports, where the release documents it)")
    .addHelpText(
      "after",
      "\nExamples:\n  impactkit reports list --api partner-v15\n  impactkit reports describe mp_action_listing_fast --api partner-v15 --json",
    );

  reports
    .command("list")
    .description("the reports the account can export (with --all, the UI-only ones too)")
    .option("--all", "list the reports that cannot be exported through the API as well")
    .option(...CALL_TIMEOUT_OPTION)
    .action(async (options: { all?: boolean; timeout: string }) => {
      const listed = await openJobs(globals(), context, { callTimeoutMs: parseTimeout(options.timeout, "--timeout") }).reports({ signal: context.signal });
      const shown = options.all ? listed : listed.filter((report) => report.ApiAccessible);
      const rows = [
        ["ID", "CATEGORY", ...(options.all ? ["API"] : []), "NAME"],
        ...shown.map((report) => [report.Id, report.Category ?? "", ...(options.all ? [report.ApiAccessible ? "yes" : "no"] : []), report.Name ?? ""]),
      ];
      context.output.result(context.output.table(rows), { reports: shown.map(reportJson) });
    });

  reports
    .command("describe <reportId>")
    .description("the filters a report takes (its -p parameters) and the columns it gives")
    .option(...CALL_TIMEOUT_OPTION)
    .action(async (reportId: string, options: { timeout: string }) => {
      const metadata = await openJobs(globals(), context, { callTimeoutMs: parseTimeout(options.timeout, "--timeout") }).reportMetadata(reportId, {
        signal: context.signal,
      });
      const lines = [
        `Report ${metadata.Id}${metadata.Name ? `: ${metadata.Name}` : ""}`,
        "",
        ...context.output.table([["FILTER", "TYPE"], ...metadata.Filters.map((filter) => [filter.Name, filter.DataType ?? ""])]),
        "",
        ...context.output.table([
          ["COLUMN", "TYPE", "DESCRIPTION"],
          ...metadata.Attributes.map((attribute) => [attribute.Name, attribute.DataType ?? "", attribute.Description ?? ""]),
        ]),
      ];
      context.output.result(lines, { report: { Id: metadata.Id, Name: metadata.Name ?? null, Filters: metadata.Filters, Attributes: metadata.Attributes } });
    });
}

/** Parameters every export takes, whatever the report (https://integrations.impact.com/partner-api-reference/reference/reports). */
/**
 * Before a ReportExport (`jobs.checkReportExport`): a parameter the spec requires left out is a usage error,
 * and, where the release documents report discovery, so is a parameter that is neither the spec's nor a
 * filter of the report's metadata (a typo) — before anything is scheduled or queued. The message says which flag to add.
 */
export async function checkReportParams(jobs: Jobs<{}>, reportId: string, params: Record<string, unknown>, signal: AbortSignal): Promise<void> {
  try {
    await jobs.checkReportExport(reportId, params as never, { signal });
  } catch (error) {
    throw reportCheckError(error, jobs, reportId);
  }
}

/**
 * A failed check of a ReportExport's parameters (`checkReportExport`, the queue's `checkExport`) in the CLI's
 * terms: a usage error saying which flag to add (`-p START_DATE=…`) or where the report's filters are listed.
 * Any other error as it is.
 */
export function reportCheckError(error: unknown, jobs: Jobs<{}>, reportId: string): unknown {
  if (!(error instanceof InvalidArgumentError) || error.option === undefined) return error;
  const { traits } = jobs.spec;
  const named = traits.requiredReportParams.includes(error.option) || error.option in reportDateParams(traits);
  return new UsageError(`${error.message} (${named ? `-p ${error.option}=…` : `impactkit reports describe ${reportId}`})`);
}

/** A failed check of a ClickExport (`checkClickExport`, the queue's `checkExport`) in the CLI's terms: the flag a brand ClickExport needs. Any other error as it is. */
export function clickCheckError(error: unknown, jobs: Jobs<{}>): unknown {
  return error instanceof InvalidArgumentError && error.option === "ProgramId"
    ? new UsageError(`the ${jobs.spec.title} ClickExport needs --program-id`)
    : error;
}
