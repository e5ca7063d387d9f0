import type { JobsContext } from "../impact/context.js";
import { DownloadError } from "../base/errors.js";
import type { Pulled } from "../base/pull.js";
import { resultChunks } from "./chunks.js";
import type { ResultOptions } from "./options.js";

/** One row of a result, column name to value: strings as the CSV has them, JSON's values as they are, unless `coerce` converts them. */
export type ResultRecord = Record<string, unknown>;

async function* jsonRecords(first: Uint8Array, rest: AsyncIterator<Uint8Array>): AsyncGenerator<ResultRecord, void, undefined> {
  const opening = new TextDecoder().decode(first.subarray(0, 64)).trimStart()[0];
  const { JSONParser } = await import("@streamparser/json");
  const parser = new JSONParser({ paths: [opening === "[" ? "$.*" : "$.*.*"], keepStack: false });
  const found: ResultRecord[] = [];
  parser.onValue = ({ value }) => void found.push(value as ResultRecord);
  for (let chunk: Uint8Array | undefined = first; chunk; ) {
    if (!parser.isEnded) parser.write(chunk);
    yield* found.splice(0);
    const next = await rest.next();
    chunk = next.done ? undefined : next.value;
  }
  if (!parser.isEnded) parser.end();
  yield* found.splice(0);
}

/** Rows of a CSV result from its first chunk and the rest (the header row names the fields): each runtime's own parser. */
export type CsvRows = (first: Uint8Array, rest: AsyncIterator<Uint8Array>) => AsyncGenerator<ResultRecord, void, undefined>;

/**
 * A result's rows from its chunks, in constant memory: CSV through `csvRows` (the header row names the
 * fields), JSON through a streaming JSON parser (the elements of the top-level array, or of the array
 * inside the top-level object, such as `{"Records": […]}`). XML results are refused; `what` names the
 * result in that error (`job …`, or a file).
 */
export async function* rowsOf(
  csvRows: CsvRows,
  chunks: AsyncGenerator<Uint8Array, void, undefined> & Partial<Pick<Pulled<Uint8Array>, "stop">>,
  what: string,
): AsyncGenerator<ResultRecord, void, undefined> {
  try {
    let first = await chunks.next();
    while (!first.done && first.value.length === 0) first = await chunks.next();
    if (first.done) return;
    const start = new TextDecoder()
      .decode(first.value.subarray(0, 64))
      .replace(/^\uFEFF/, "")
      .trimStart()[0];
    if (start === "<") throw new DownloadError(`${what} has an XML result; records() reads CSV and JSON results (use stream() for XML)`);
    yield* start === "{" || start === "[" ? jsonRecords(first.value, chunks) : csvRows(first.value, chunks);
  } finally {
    // A reader that leaves while the parser waits on a stalled body: `return()` alone would wait for it.
    chunks.stop?.();
    await chunks.return(undefined);
  }
}

/** A job's result as rows (`rowsOf`), fetched as `stream()` does. */
export function recordsWith(csvRows: CsvRows, context: JobsContext, id: string, options: ResultOptions = {}): AsyncGenerator<ResultRecord, void, undefined> {
  return rowsOf(csvRows, resultChunks(context, id, options), `job ${id}`);
}
