import { parse } from "csv-parse/browser/esm";
import type { JobsContext } from "../impact/context.js";
import { recordsWith, type CsvRows, type ResultRecord } from "./records.js";
import type { ResultOptions } from "./options.js";

/**
 * CSV rows through csv-parse's browser build (its own stream and buffer code, no `node:` module): each chunk
 * decoded as UTF-8 (a character split between chunks waits for the next) and written, the rows it completed
 * read back before the next chunk comes.
 */
export const webCsvRows: CsvRows = async function* (first, rest) {
  const parser = parse({ columns: true, bom: true, skip_empty_lines: true });
  // The build's stream has no `destroy`, which its parser calls once it has ended.
  parser.destroy ??= () => parser;
  let failure: unknown;
  parser.on("error", (error: unknown) => (failure ??= error));
  const decoder = new TextDecoder();
  const taken = function* (): Generator<ResultRecord> {
    if (failure) throw failure;
    for (let row = parser.read() as ResultRecord | null; row !== null; row = parser.read() as ResultRecord | null) yield row;
  };
  for (let chunk: Uint8Array | undefined = first; chunk; ) {
    const text = decoder.decode(chunk, { stream: true });
    await new Promise<void>((resolve) => parser.write(text, () => resolve()));
    yield* taken();
    const next = await rest.next();
    chunk = next.done ? undefined : next.value;
  }
  const ended = new Promise<void>((resolve) => {
    parser.once("finish", () => resolve());
    parser.once("error", () => resolve());
  });
  parser.end(decoder.decode());
  await ended;
  yield* taken();
  if (failure) throw failure;
};

/** A job's result as rows, in constant memory (`recordsWith`), on runtimes without Node.js's streams. */
export function webJobRecords(context: JobsContext, id: string, options: ResultOptions = {}): AsyncGenerator<ResultRecord, void, undefined> {
  return recordsWith(webCsvRows, context, id, options);
}
