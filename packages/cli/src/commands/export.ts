import { type Command, Option } from "commander";
import { checkDownloadTarget, type JobHandle, type Jobs, jobJson, reportDateParams } from "@impactkit/jobs";
import {
  CONNECTIONS_OPTION,
  THROUGH_ERROR_OPTION,
  type CommandContext,
  type GlobalOptions,
  openJobs,
  parseConnections,
  FIRST_CHECK_OPTION,
  firstCheckPolicy,
} from "../context.js";
import { downloadFile, RESUME_OPTION } from "../download-file.js";
import { parseDay } from "../day.js";
import { parseTimeout } from "../duration.js";
import { UsageError } from "../exit-codes.js";
import { parseParams, RESULT_FORMATS, withDates } from "../params.js";
import { formatBytes, formatCount } from "../human.js";
import { waitShowing } from "../progress.js";
import { rowsTarget, writeRows, type RowsTarget } from "../rows-output.js";
import { refuseJsonWith, resultToStdout, STDOUT } from "../stdout-result.js";
import { checkReportParams, clickCheckError } from "./reports.js";

interface ExportOptions {
  param: string[];
  resultFormat?: string;
  /** The deprecated alias of `--result-format`. */
  format?: string;
  wait?: boolean;
  output?: string;
  records?: string | true;
  overwrite?: boolean;
  resume?: boolean;
  timeout: string;
  firstCheck: string;
  throughError?: boolean;
  connections: string;
}

function exportOptions(command: Command): Command {
  return command
    .option(
      "-p, --param <key=value>",
      "a report or click filter (repeatable; a repeated key becomes a list)",
      (value: string, previous: string[]) => [...previous, value],
      [],
    )
    .option("--result-format <format>", `what the API produces: ${RESULT_FORMATS.join(", ")} (default CSV)`)
    .addOption(new Option("--format <format>", "deprecated: --result-format").hideHelp())
    .option("--wait", "wait until the job is COMPLETED")
    .option("-o, --output <file>", "wait, then download the result to this file (- for stdout)")
    .option("--records [format]", "wait, then write the result's rows: jsonl (default) or csv to stdout, parquet to the -o file")
    .option("--overwrite", "replace the --output file if it exists")
    .option(...RESUME_OPTION)
    .option("--timeout <duration>", "give up waiting after this long", "1h")
    .option(...FIRST_CHECK_OPTION)
    .option(...THROUGH_ERROR_OPTION)
    .option(...CONNECTIONS_OPTION);
}

/**
 * `--result-format` (or its deprecated alias `--format`) as `ResultFormat`, checked before anything is sent:
 * `--format jsonl` meant the rows impactkit writes, which is `--records jsonl` on export.
 */
function resultFormatOf(options: ExportOptions, context: CommandContext): { ResultFormat?: string } {
  if (options.format !== undefined && options.resultFormat !== undefined)
    throw new UsageError("--format is the deprecated name of --result-format: pass one of them");
  const flag = options.format === undefined ? "--result-format" : "--format";
  const given = options.resultFormat ?? options.format;
  if (given === undefined) return {};
  const format = given.trim().toUpperCase();
  if (!(RESULT_FORMATS as readonly string[]).includes(format)) {
    const rows = ["JSONL", "PARQUET"].includes(format) ? `; for the rows as ${given}, use --records ${given.trim().toLowerCase()}` : "";
    throw new UsageError(`${flag} takes ${RESULT_FORMATS.join(", ")}, got ${JSON.stringify(given)}${rows}`);
  }
  if (options.format !== undefined) context.output.notice(`warning: --format is deprecated on export; use --result-format ${format}`);
  return { ResultFormat: format };
}

function settingsOf(options: ExportOptions): { timeoutMs: number; waitThroughError: boolean; connections: number; policy: { firstDelayMs: number } } {
  return {
    timeoutMs: parseTimeout(options.timeout, "--timeout"),
    waitThroughError: options.throughError ?? false,
    connections: parseConnections(options.connections),
    policy: firstCheckPolicy(options.firstCheck),
  };
}

/** Where the result goes: a file (checked), stdout (`-o -`), rows (--records), or nowhere. */
type Target = { file: string } | { stdout: "bytes" } | { rows: RowsTarget } | undefined;

/**
 * The target, checked before anything is sent (`checkDownloadTarget`): a missing folder, an existing file,
 * or two places at once is a usage error at once, not after the export was scheduled and waited for.
 */
async function outputTarget(options: ExportOptions, context: CommandContext): Promise<Target> {
  if (options.resume && (options.output === undefined || options.output === STDOUT || options.records !== undefined))
    throw new UsageError("--resume continues a download to a file: pass it with -o <file>");
  if (options.records !== undefined) return { rows: await rowsTarget(options.records, "--records", options.output, options.overwrite, context) };
  if (options.output === STDOUT) {
    refuseJsonWith(context, "-o -");
    return { stdout: "bytes" };
  }
  return options.output === undefined ? undefined : { file: await checkDownloadTarget(options.output, options.overwrite) };
}

/** After scheduling: optionally wait and download to the target, then print the outcome (on stderr when stdout holds the result). */
async function finish(jobs: Jobs<{}>, handle: JobHandle, target: Target, options: ExportOptions, context: CommandContext): Promise<void> {
  // The API's names (`Id` as jobs have it, the export's `QueuedUri` and `ResultUri`), so one jq filter reads every command's output.
  const summary: Record<string, unknown> = { Id: handle.id, QueuedUri: handle.queuedUri, ResultUri: handle.resultUri ?? null };
  const lines: string[] = [];
  if (!options.wait && !target) lines.push(`Scheduled job ${handle.id}`);
  else {
    // Said once, now, on stderr, not again with the result: a Ctrl-C'd export can be picked up where it stands.
    context.output.notice(`Scheduled job ${handle.id}; if interrupted: impactkit jobs wait ${handle.id} / impactkit jobs download ${handle.id} -o …`);
    const job = await waitShowing(jobs, handle.id, context.output, "waiting", { signal: context.signal });
    summary["job"] = jobJson(job);
    lines.push(`Job ${job.Id} COMPLETED: ${formatCount(job.RecordsProcessed ?? 0)} records`);
  }
  if (target && "file" in target) {
    const result = await downloadFile(jobs, handle.id, context, "downloading", {
      to: target.file,
      overwrite: options.overwrite ?? false,
      resume: options.resume ?? false,
      signal: context.signal,
    });
    summary["download"] = { path: result.path, bytes: result.bytes };
    lines.push(`Saved ${result.path} (${formatBytes(result.bytes)})`);
  } else if (target && "stdout" in target) {
    const bytes = await resultToStdout(jobs, handle.id, context);
    return context.output.notice(`Wrote ${formatBytes(bytes)} of job ${handle.id} to stdout`);
  } else if (target && "rows" in target) {
    const { line, data } = await writeRows(jobs, handle.id, context, target.rows);
    if ("stdout" in target.rows) return context.output.notice(line);
    summary["records"] = data;
    lines.push(line);
  }
  context.output.result(lines, summary);
}

/** `-p` pairs with their dates converted; with --verbose, says what a relative day became (`-p START_DATE=7d → 2026-11-29`). */
function paramsOf(options: ExportOptions, dates: Parameters<typeof withDates>[1], context: CommandContext): Record<string, string | string[]> {
  const given = parseParams(options.param);
  const params = withDates(given, dates);
  for (const name of Object.keys(dates)) {
    if (given[name] !== undefined && JSON.stringify(given[name]) !== JSON.stringify(params[name]))
      context.output.debug(`-p ${name}=${[given[name]].flat().join(",")} → ${[params[name]].flat().join(",")}`);
  }
  return params;
}

/** ClickExport's day (`Date`, `format: date` in every flavor's spec), also as `-p Date=…`. */
const CLICK_DATE_PARAMS = { Date: "date" } as const;

/** `impactkit export report|clicks`. */
export function exportCommands(program: Command, globals: () => GlobalOptions, context: CommandContext): void {
  const exports = program
    .command("export")
    .description("schedule report and click exports")
    .addHelpText(
      "after",
      "\nExamples:\n  impactkit export report mp_action_listing_fast --api partner-v15 -p START_DATE=2026-11-01 -p END_DATE=2026-11-24 -o actions.csv\n  impactkit export clicks --api partner-v15 --date 2026-11-24 --records | jq .",
    );

  exportOptions(
    exports
      .command("report <reportId>")
      .description("schedule a ReportExport job")
      .addHelpText(
        "after",
        "\nExamples:\n  impactkit export report mp_action_listing_fast --api partner-v15 -p START_DATE=2026-11-01 -p END_DATE=2026-11-24 -o actions.csv\n  impactkit export report att_adv_performance_by_day_pm_only --api agency-v3 --wait --json\n  impactkit export report mp_action_listing_fast --api partner-v15 -p START_DATE=2026-11-01 -p END_DATE=2026-11-24 --records | jq .Payout\n  impactkit export report mp_action_listing_fast --api partner-v15 -p START_DATE=7d -p END_DATE=yesterday --result-format JSON -o actions.json",
      ),
  ).action(async (reportId: string, options: ExportOptions) => {
    const jobs = openJobs(globals(), context, settingsOf(options));
    const params = { ...paramsOf(options, reportDateParams(jobs.spec.traits), context), ...resultFormatOf(options, context) };
    const target = await outputTarget(options, context);
    await checkReportParams(jobs, reportId, params, context.signal);
    const handle = await jobs.exportReport(reportId, params as never, { signal: context.signal });
    await finish(jobs, handle, target, options, context);
  });

  exportOptions(
    exports
      .command("clicks")
      .description("schedule a ClickExport job (partner; brand with --program-id)")
      .option("--program-id <id>", "the program (brand: required)")
      .option("--date <day>", "the day of the clicks (YYYY-MM-DD, today, yesterday, 7d); default today")
      .addHelpText(
        "after",
        "\nExamples:\n  impactkit export clicks --api partner-v15 --date 2026-11-24 -o clicks.csv\n  impactkit export clicks --api brand --program-id 1234 --date 2026-11-24 --wait",
      ),
  ).action(async (options: ExportOptions & { programId?: string; date?: string }) => {
    const jobs = openJobs(globals(), context, settingsOf(options));
    const params = {
      ...paramsOf(options, CLICK_DATE_PARAMS, context),
      ...resultFormatOf(options, context),
      ...(options.date ? { Date: parseDay(options.date, "--date") } : {}),
      ...(options.programId ? { ProgramId: jobs.spec.traits.clickExport === "program" ? options.programId : [options.programId] } : {}),
    };
    try {
      jobs.checkClickExport(params as never);
    } catch (error) {
      throw clickCheckError(error, jobs);
    }
    const target = await outputTarget(options, context);
    const handle = await jobs.exportClicks(params as never, { signal: context.signal });
    await finish(jobs, handle, target, options, context);
  });
}
