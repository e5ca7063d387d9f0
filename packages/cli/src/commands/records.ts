import type { Command } from "commander";
import { type CommandContext, type GlobalOptions, openJobs } from "../context.js";
import { parseDuration } from "../duration.js";
import { recordFormat, recordsToStdout, refuseJsonWith } from "../stdout-result.js";

/** `impactkit records <jobId>`: a finished job's rows on stdout. */
export function recordsCommand(program: Command, globals: () => GlobalOptions, context: CommandContext): void {
  program
    .command("records <jobId>")
    .description("write the job's rows to stdout as JSON Lines or CSV (waits for the job first), for jq, duckdb or a spreadsheet")
    .option("--format <format>", "jsonl or csv", "jsonl")
    .option("--stream", "ask for the bytes directly (Mode=Stream) instead of following the signed URL")
    .option("--timeout <duration>", "give up waiting for the job after this long", "1h")
    .option("--first-check <duration>", "when to check an unfinished job first", "6s")
    .addHelpText("after", "\nExamples:\n  impactkit records $JOB --api partner-v15 | jq -r .Payout\n  impactkit records $JOB --api brand --format csv > rows.csv\n  impactkit records $JOB --api agency-v3 | duckdb -c \"SELECT count(*) FROM read_json_auto('/dev/stdin')\"")
    .action(async (jobId: string, options: { format: string; stream?: boolean; timeout: string; firstCheck: string }) => {
      refuseJsonWith(context, "records");
      const format = recordFormat(options.format, "--format");
      const settings = { timeoutMs: parseDuration(options.timeout, "--timeout"), policy: { firstDelayMs: parseDuration(options.firstCheck, "--first-check") } };
      const rows = await recordsToStdout(openJobs(globals(), context, settings), jobId, context, format, options.stream ? "stream" : "redirect");
      context.output.notice(`Wrote ${rows} rows of job ${jobId} to stdout`);
    });
}
