import type { Command } from "commander";
import { type CommandContext, type GlobalOptions, openJobs, THROUGH_ERROR_OPTION, FIRST_CHECK_OPTION, firstCheckPolicy } from "../context.js";
import { parseTimeout } from "../duration.js";
import { rowsTarget, writeRows } from "../rows-output.js";

/** `impactkit records <jobId>`: a finished job's rows, on stdout or in a Parquet file. */
export function recordsCommand(program: Command, globals: () => GlobalOptions, context: CommandContext): void {
  program
    .command("records <jobId>")
    .description("write the job's rows as JSON Lines or CSV to stdout, or as Parquet to a file (waits for the job first), for jq, duckdb or a spreadsheet")
    .option("--format <format>", "what impactkit writes: jsonl, csv or parquet (with -o)", "jsonl")
    .option("-o, --output <file>", "the Parquet file to write")
    .option("--overwrite", "replace the -o file if it exists")
    .option("--stream", "ask for the bytes directly (Mode=Stream) instead of following the signed URL")
    .option("--timeout <duration>", "give up waiting for the job after this long", "1h")
    .option(...FIRST_CHECK_OPTION)
    .option(...THROUGH_ERROR_OPTION)
    .addHelpText(
      "after",
      "\nExamples:\n  impactkit records $JOB --api partner-v15 | jq -r .Payout\n  impactkit records $JOB --api brand --format csv > rows.csv\n  impactkit records $JOB --api agency-v3 --format parquet -o rows.parquet && duckdb -c \"SELECT count(*) FROM 'rows.parquet'\"",
    )
    .action(
      async (
        jobId: string,
        options: { format: string; output?: string; overwrite?: boolean; stream?: boolean; timeout: string; firstCheck: string; throughError?: boolean },
      ) => {
        const target = await rowsTarget(options.format, "--format", options.output, options.overwrite, context);
        const settings = {
          timeoutMs: parseTimeout(options.timeout, "--timeout"),
          waitThroughError: options.throughError ?? false,
          policy: firstCheckPolicy(options.firstCheck),
        };
        const { line, data } = await writeRows(openJobs(globals(), context, settings), jobId, context, target, options.stream ? "stream" : "redirect");
        if ("stdout" in target) context.output.notice(line);
        else context.output.result([line], data);
      },
    );
}
