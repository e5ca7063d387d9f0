import { once } from "node:events";
import type { Writable } from "node:stream";
import { stringify } from "csv-stringify";
import type { Jobs } from "@impactkit/jobs";
import type { CommandContext } from "./context.js";
import { UsageError } from "./exit-codes.js";
import { byteProgress } from "./progress.js";
import { terminalJson, terminalLine } from "./terminal-text.js";

/** `-o -`: the result goes to stdout instead of a file (POSIX Utility Syntax Guidelines, guideline 13). */
export const STDOUT = "-";

/** The formats `recordsToStdout` writes. */
export type StdoutRecordFormat = "jsonl" | "csv";

/** stdout can hold one thing: the result's bytes or rows, or the --json document, not both. */
export function refuseJsonWith(context: CommandContext, what: string): void {
  if (context.output.json) throw new UsageError(`${what} writes to stdout, where --json would go too: drop --json (the job id and progress are on stderr)`);
}

/** Writes `chunk` to `stdout`, waiting while it is full (backpressure), or until the command is stopped. */
async function write(stdout: Writable, chunk: Uint8Array | string, signal: AbortSignal): Promise<void> {
  if (!stdout.write(chunk)) await once(stdout, "drain", { signal });
}

/**
 * The job's result, byte for byte, to stdout (`jobs.stream`: waits while it runs, resumes a broken
 * transfer), with its progress on stderr; resolves with the number of bytes.
 */
export async function resultToStdout(jobs: Jobs<{}>, id: string, context: CommandContext, mode: "redirect" | "stream" = "redirect"): Promise<number> {
  const progress = byteProgress(context.output, "downloading");
  let bytes = 0;
  try {
    for await (const chunk of jobs.stream(id, { signal: context.signal, mode })) {
      bytes += chunk.length;
      progress.update({ bytes, total: undefined });
      await write(context.output.stdout, chunk, context.signal);
    }
  } finally {
    progress.stop();
  }
  return bytes;
}

/**
 * The job's rows to stdout (`jobs.records`), one JSON object per line (JSON Lines), or CSV with the first
 * row's fields as the header. On a terminal, what the server sent is cleaned of control characters first.
 * Resolves with the number of rows.
 */
export async function recordsToStdout(
  jobs: Jobs<{}>,
  id: string,
  context: CommandContext,
  format: StdoutRecordFormat,
  mode: "redirect" | "stream" = "redirect",
): Promise<number> {
  const { stdout } = context.output;
  const onTerminal = Boolean((stdout as NodeJS.WriteStream).isTTY);
  const rows = jobs.records(id, { signal: context.signal, mode });
  let count = 0;
  if (format === "jsonl") {
    for await (const row of rows) {
      const line = JSON.stringify(row);
      await write(stdout, `${onTerminal ? terminalJson(line) : line}\n`, context.signal);
      count += 1;
    }
    return count;
  }
  const csv = stringify({ header: true });
  const piped = (async () => {
    for await (const text of csv as AsyncIterable<string | Buffer>) await write(stdout, text, context.signal);
  })();
  try {
    for await (const row of rows) {
      const cells = onTerminal
        ? Object.fromEntries(Object.entries(row).map(([key, value]) => [terminalLine(key), typeof value === "string" ? terminalLine(value) : value]))
        : row;
      if (!csv.write(cells)) await once(csv, "drain", { signal: context.signal });
      count += 1;
    }
  } catch (error) {
    csv.destroy();
    await piped.catch(() => undefined);
    throw error;
  }
  csv.end();
  await piped;
  return count;
}
