import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import type { JobsContext } from "../impact/context.js";
import { recordsWith, rowsOf, type CsvRows, type ResultRecord } from "./records.js";
import type { ResultOptions } from "./options.js";

/** CSV rows through csv-parse's Node.js stream. */
export const nodeCsvRows: CsvRows = async function* (first, rest) {
  const source = Readable.from(
    (async function* () {
      yield first;
      for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
    })(),
  );
  const { parse } = await import("csv-parse");
  const parser = parse({ columns: true, bom: true, skip_empty_lines: true });
  // `pipe` does not forward a source's error: without this, an abort or a failed transfer would hang the reader.
  source.once("error", (error) => parser.destroy(error));
  yield* source.pipe(parser) as AsyncIterable<ResultRecord>;
};

/** A job's result as rows, in constant memory (`recordsWith`), on Node.js. */
export function jobRecords(context: JobsContext, id: string, options: ResultOptions = {}): AsyncGenerator<ResultRecord, void, undefined> {
  return recordsWith(nodeCsvRows, context, id, options);
}

/** The rows of a result saved earlier (`download()`'s file): read from disk, no request. */
export function fileRecords(path: string, signal?: AbortSignal): AsyncGenerator<ResultRecord, void, undefined> {
  const chunks = async function* (): AsyncGenerator<Uint8Array, void, undefined> {
    for await (const chunk of createReadStream(path, { signal }) as AsyncIterable<Buffer>) yield chunk;
  };
  return rowsOf(nodeCsvRows, chunks(), path);
}
