import { checkDownloadTarget, type Jobs } from "@impactkit/jobs";
import type { CommandContext } from "./context.js";
import { UsageError } from "./exit-codes.js";
import { formatCount } from "./human.js";
import { recordsToParquet } from "./parquet-file.js";
import { recordsToStdout, refuseJsonWith, STDOUT, type StdoutRecordFormat } from "./stdout-result.js";

/** The formats rows are written in: JSON Lines and CSV to stdout, Parquet to a file. */
export const RECORD_FORMATS = ["jsonl", "csv", "parquet"] as const;
export type RecordFormat = (typeof RECORD_FORMATS)[number];

/** Where a command's rows go, checked. */
export type RowsTarget = { stdout: StdoutRecordFormat } | { parquet: string; overwrite: boolean };

/**
 * The rows' format (`flag`'s value, `true` for the default JSON Lines) and place, checked before anything is
 * sent: JSON Lines and CSV go to stdout (not with --json, nor with a file: `> file` does that), Parquet to
 * the `-o` file it needs (checked as a download's is).
 */
export async function rowsTarget(
  value: string | true,
  flag: string,
  output: string | undefined,
  overwrite: boolean | undefined,
  context: CommandContext,
): Promise<RowsTarget> {
  const format = value === true ? "jsonl" : value.toLowerCase();
  if (!(RECORD_FORMATS as readonly string[]).includes(format)) throw new UsageError(`${flag} takes ${RECORD_FORMATS.join(", ")}, got ${JSON.stringify(value)}`);
  if (format === "parquet") {
    if (output === undefined || output === STDOUT) throw new UsageError(`${flag} parquet writes a file: name it with -o rows.parquet`);
    return { parquet: await checkDownloadTarget(output, overwrite), overwrite: overwrite ?? false };
  }
  if (output !== undefined && output !== STDOUT)
    throw new UsageError(`${flag} ${format} writes rows to stdout and -o writes the result: use one of them (or redirect: > rows.${format})`);
  refuseJsonWith(context, `${flag} ${format}`);
  return { stdout: format as StdoutRecordFormat };
}

/** Writes the job's rows where `target` says; resolves with the line that says what was written. */
export async function writeRows(
  jobs: Jobs<{}>,
  id: string,
  context: CommandContext,
  target: RowsTarget,
  mode: "redirect" | "stream" = "redirect",
): Promise<{ line: string; data: Record<string, unknown> }> {
  if ("stdout" in target) {
    const rows = await recordsToStdout(jobs, id, context, target.stdout, mode);
    return { line: `Wrote ${formatCount(rows)} rows of job ${id} to stdout`, data: { Id: id, rows } };
  }
  const rows = await recordsToParquet(jobs, id, context, target.parquet, target.overwrite, mode);
  return { line: `Saved ${formatCount(rows)} rows of job ${id} to ${target.parquet}`, data: { Id: id, rows, path: target.parquet } };
}
