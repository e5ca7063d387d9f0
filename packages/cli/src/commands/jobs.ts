import type { Command } from "commander";
import { checkDownloadTarget, jobJson } from "@impactkit/jobs";
import {
  CALL_TIMEOUT_OPTION,
  CONNECTIONS_OPTION,
  type CommandContext,
  type GlobalOptions,
  openJobs,
  parseConnections,
  THROUGH_ERROR_OPTION,
  FIRST_CHECK_OPTION,
  firstCheckPolicy,
} from "../context.js";
import { downloadFile, RESUME_OPTION } from "../download-file.js";
import { UsageError } from "../exit-codes.js";
import { parseDay } from "../day.js";
import { parseTimeout } from "../duration.js";
import { jobsRows, jobText } from "../job-view.js";
import { formatBytes, formatCount, formatDuration } from "../human.js";
import { waitShowing } from "../progress.js";
import { refuseJsonWith, resultToStdout, STDOUT } from "../stdout-result.js";

type Globals = () => GlobalOptions;

/** `impactkit jobs list|get|wait|download|replay`. */
export function jobsCommands(program: Command, globals: Globals, context: CommandContext): void {
  const jobs = program
    .command("jobs")
    .description("list, inspect, wait for, download and replay jobs")
    .addHelpText(
      "after",
      "\nExamples:\n  impactkit jobs list --api partner-v15 --created-after 2026-11-01\n  impactkit jobs wait $JOB --api brand --timeout 30m\n  impactkit jobs download $JOB --api agency-v3 -o report.csv",
    );

  jobs
    .command("list")
    .description("list the account's jobs")
    .option("--created-after <day>", "jobs created on or after this day (YYYY-MM-DD, today, yesterday, 7d, 2w)")
    .option("--created-before <day>", "jobs created on or before this day (YYYY-MM-DD, today, yesterday, 7d, 2w)")
    .option(...CALL_TIMEOUT_OPTION)
    .addHelpText(
      "after",
      "\nExamples:\n  impactkit jobs list --api partner-v15 --created-after 7d\n  impactkit jobs list --api brand --created-after 2026-11-01 --created-before yesterday --json",
    )
    .action(async (options: { createdAfter?: string; createdBefore?: string; timeout: string }) => {
      const createdAfter = options.createdAfter === undefined ? undefined : parseDay(options.createdAfter, "--created-after");
      const createdBefore = options.createdBefore === undefined ? undefined : parseDay(options.createdBefore, "--created-before");
      const list = await openJobs(globals(), context, { callTimeoutMs: parseTimeout(options.timeout, "--timeout") }).list({
        createdAfter,
        createdBefore,
        signal: context.signal,
      });
      context.output.result(list.length === 0 ? ["No jobs."] : context.output.table(jobsRows(list)), { jobs: list.map(jobJson) });
    });

  jobs
    .command("get <jobId>")
    .description("show one job")
    .option(...CALL_TIMEOUT_OPTION)
    .addHelpText("after", "\nExample:\n  impactkit jobs get d8807a9f-a5ee-4e3f-ad2b-3dfd19d1915f --api agency-v3")
    .action(async (jobId: string, options: { timeout: string }) => {
      const job = await openJobs(globals(), context, { callTimeoutMs: parseTimeout(options.timeout, "--timeout") }).get(jobId, { signal: context.signal });
      context.output.result(jobText(job), { job: jobJson(job) });
    });

  jobs
    .command("wait <jobId>")
    .description("wait until the job is COMPLETED (exit 4 if it fails, 5 on timeout)")
    .option("--timeout <duration>", "give up after this long (90s, 30m, 2h)", "1h")
    .option(...FIRST_CHECK_OPTION)
    .option(...THROUGH_ERROR_OPTION)
    .addHelpText(
      "after",
      "\nExamples:\n  impactkit jobs wait 18edc7d5-6d1f-4c36-9a8c-8c3b5f1c2d11 --api partner-v15\n  impactkit jobs wait $JOB --api brand --timeout 10m --json",
    )
    .action(async (jobId: string, options: { timeout: string; firstCheck: string; throughError?: boolean }) => {
      const started = performance.now();
      const settings = {
        timeoutMs: parseTimeout(options.timeout, "--timeout"),
        waitThroughError: options.throughError ?? false,
        policy: firstCheckPolicy(options.firstCheck),
      };
      const job = await waitShowing(openJobs(globals(), context, settings), jobId, context.output, "waiting", { signal: context.signal });
      const elapsedMs = Math.round(performance.now() - started);
      context.output.result([`Job ${job.Id} COMPLETED: ${formatCount(job.RecordsProcessed ?? 0)} records in ${formatDuration(elapsedMs)}`], {
        job: jobJson(job),
        elapsedMs,
      });
    });

  jobs
    .command("download <jobId>")
    .description("download the job's result to a file (waits for the job first)")
    .requiredOption("-o, --output <file>", "the file to write (its folder must exist), or - for stdout")
    .option("--overwrite", "replace the file if it exists")
    .option(...RESUME_OPTION)
    .option("--stream", "ask for the bytes directly (Mode=Stream) instead of following the signed URL")
    .option("--timeout <duration>", "give up waiting for the job after this long", "1h")
    .option(...FIRST_CHECK_OPTION)
    .option(...THROUGH_ERROR_OPTION)
    .option(...CONNECTIONS_OPTION)
    .addHelpText(
      "after",
      "\nExamples:\n  impactkit jobs download $JOB --api partner-v15 -o actions.csv\n  impactkit jobs download $JOB --api agency-v3 -o report.json --overwrite --json\n  impactkit jobs download $JOB --api brand -o - | gzip > report.csv.gz",
    )
    .action(
      async (
        jobId: string,
        options: {
          output: string;
          overwrite?: boolean;
          resume?: boolean;
          stream?: boolean;
          timeout: string;
          firstCheck: string;
          throughError?: boolean;
          connections: string;
        },
      ) => {
        const started = performance.now();
        const settings = {
          timeoutMs: parseTimeout(options.timeout, "--timeout"),
          waitThroughError: options.throughError ?? false,
          connections: parseConnections(options.connections),
          policy: firstCheckPolicy(options.firstCheck),
        };
        const jobs = openJobs(globals(), context, settings);
        const mode = options.stream ? "stream" : "redirect";
        if (options.output === STDOUT) {
          refuseJsonWith(context, "-o -");
          if (options.resume) throw new UsageError("--resume continues a download to a file; it cannot with -o -");
          const bytes = await resultToStdout(jobs, jobId, context, mode);
          return context.output.notice(`Wrote ${formatBytes(bytes)} of job ${jobId} to stdout`);
        }
        const target = await checkDownloadTarget(options.output, options.overwrite);
        const result = await downloadFile(jobs, jobId, context, "downloading", {
          to: target,
          overwrite: options.overwrite ?? false,
          resume: options.resume ?? false,
          mode,
          signal: context.signal,
        });
        const elapsedMs = Math.round(performance.now() - started);
        context.output.result([`Saved ${result.path} (${formatBytes(result.bytes)})`], { Id: jobId, path: result.path, bytes: result.bytes, elapsedMs });
      },
    );

  jobs
    .command("replay <jobId>")
    .description("run a finished job again with the same parameters")
    .option(...CALL_TIMEOUT_OPTION)
    .addHelpText("after", "\nExample:\n  impactkit jobs replay $JOB --api brand")
    .action(async (jobId: string, options: { timeout: string }) => {
      const job = await openJobs(globals(), context, { callTimeoutMs: parseTimeout(options.timeout, "--timeout") }).replay(jobId, { signal: context.signal });
      context.output.result([`Replayed ${jobId} as job ${job.Id} (${job.Status})`], { replayOf: jobId, job: jobJson(job) });
    });
}
