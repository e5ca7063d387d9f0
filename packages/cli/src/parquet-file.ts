import { rm } from "node:fs/promises";
import { InvalidArgumentError, type Jobs, type ResultRecord } from "@impactkit/jobs";
import { downloadTempPath, publishFile } from "@impactkit/jobs/files";
import { fileWriter, parquetWriteRows } from "hyparquet-writer";
import type { CommandContext } from "./context.js";

/** A value as a Parquet UTF-8 cell: the result's text as it is, `null` for a missing or empty one. */
function cell(value: unknown): string | null {
  if (value === undefined || value === null || value === "") return null;
  return typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value);
}

/**
 * The job's rows as a Parquet file at `target` (hyparquet-writer, row groups of at most 100,000 rows, so
 * memory stays bounded): one nullable UTF-8 column per field of the first row, in its order — the result's
 * text as it is, for `CAST` in DuckDB or pandas, since a CSV result says nothing about types. Written to a
 * temporary file beside the target (tracked for a forced exit) and moved into place once complete
 * (`publishFile`, as downloads are), so that a failure or an interruption leaves no partial file; without
 * `overwrite`, a file that appeared at the target meanwhile is not replaced. Resolves with the number of rows.
 */
export async function recordsToParquet(
  jobs: Jobs<{}>,
  id: string,
  context: CommandContext,
  target: string,
  overwrite: boolean,
  mode: "redirect" | "stream" = "redirect",
): Promise<number> {
  const rows = jobs.records(id, { signal: context.signal, mode });
  const first = await rows.next();
  if (first.done) throw new InvalidArgumentError(`job ${id} has no rows: a Parquet file needs at least the header's columns`);
  const columns = Object.keys(first.value);
  let count = 0;
  async function* cells(): AsyncGenerator<Record<string, string | null>> {
    for (let next: IteratorResult<ResultRecord> = first; !next.done; next = await rows.next()) {
      count += 1;
      yield Object.fromEntries(columns.map((column) => [column, cell(next.value[column])]));
    }
  }
  const temp = downloadTempPath(target, id);
  const untrack = context.partials.track(target, id);
  try {
    await parquetWriteRows({
      writer: fileWriter(temp),
      rows: cells(),
      columns: columns.map((name) => ({ name, type: "STRING" as const, nullable: true })),
      createdBy: "impactkit",
    });
    await publishFile(temp, target, overwrite);
    return count;
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  } finally {
    untrack();
    await rows.return(undefined);
  }
}
