import { type Coercion, columnTypes, type Jobs, type ResultRecord } from "@impactkit/jobs";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { relative } from "node:path";
import { z } from "zod";
import type { Accounts } from "../accounts.js";
import { ColumnStats } from "../column-summary.js";
import { pathInside } from "../inside-folder.js";
import { metadataOf, seenFailing, stateOf } from "../state.js";
import { answer, failure } from "../tool-result.js";

const JOB_ID = z.string().min(1).max(100).describe("The job's id; a job that is not COMPLETED yet is waited for");
const COLUMN = z.object({
  name: z.string(),
  type: z.enum(["number", "date", "boolean", "string", "empty"]),
  nulls: z.number(),
  min: z.union([z.number(), z.string()]).nullable(),
  max: z.union([z.number(), z.string()]).nullable(),
});

/**
 * The rows of a job's result, its values typed: as the report's metadata types its columns (fetched once per
 * report) for a report this server exported where the flavor documents metadata, else numbers, booleans and
 * ISO dates as they look. From the file the result was downloaded to, else from impact.com, waiting while the
 * job runs.
 */
async function rowsOf(jobs: Jobs<{}>, jobId: string, maxWaitMs: number, signal: AbortSignal): Promise<AsyncGenerator<ResultRecord, void, undefined>> {
  const { reportId, file } = stateOf(jobs).jobs.get(jobId) ?? {};
  const coerce: Coercion = reportId !== undefined && jobs.spec.traits.reportDiscovery ? columnTypes(await metadataOf(jobs, reportId)) : "auto";
  return file ? jobs.records({ from: file, coerce, signal }) : jobs.records(jobId, { coerce, signal, wait: { timeoutMs: maxWaitMs } });
}

/** A tool error for `error`; a job that ended without a result is not reused by an identical export any more. */
function failed(jobs: Jobs<{}>, jobId: string, error: unknown) {
  seenFailing(jobs, jobId, error);
  return failure(error);
}

/** A value as JSON carries it: dates as ISO 8601. */
const cell = (value: unknown) => (value instanceof Date ? value.toISOString() : (value ?? null));

/** `download_result`, `preview_result` and `summarize_result`: a COMPLETED job's result, into the server's folder or read in constant memory. */
export function resultTools(server: McpServer, accounts: Accounts, directory: string, maxWaitMs: number): void {
  server.registerTool(
    "download_result",
    {
      title: "Download a result",
      description:
        "Saves a job's result as a file in the server's download folder (never outside it: absolute paths, .. and symbolic links out are refused) and returns its path there and size. preview_result and summarize_result then read the file.",
      inputSchema: {
        account: accounts.schema,
        jobId: JOB_ID,
        fileName: z.string().min(1).max(255).describe("The file's name inside the download folder, such as actions.csv or 2026-11/actions.csv"),
        overwrite: z.boolean().default(false).describe("Replace a file of that name"),
      },
      outputSchema: { path: z.string(), bytes: z.number() },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
    },
    async ({ account, jobId, fileName, overwrite }, { signal }) => {
      try {
        const { jobs } = accounts.of(account);
        const to = await pathInside(directory, fileName);
        const result = await jobs.download(jobId, { to, overwrite, signal, wait: { timeoutMs: maxWaitMs } });
        const known = stateOf(jobs).jobs;
        known.set(jobId, { ...known.get(jobId), file: result.path });
        return answer({ path: relative(directory, result.path), bytes: result.bytes });
      } catch (error) {
        return failed(accounts.of(account).jobs, jobId, error);
      }
    },
  );

  server.registerTool(
    "preview_result",
    {
      title: "Preview a result",
      description: "The first rows of a job's result as a typed table: each column's type (number, date, boolean, string) and the rows' values.",
      inputSchema: { account: accounts.schema, jobId: JOB_ID, rows: z.number().int().min(1).max(100).default(10).describe("How many rows (1 to 100)") },
      outputSchema: { columns: z.array(COLUMN.pick({ name: true, type: true })), rows: z.array(z.array(z.unknown())) },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    },
    async ({ account, jobId, rows }, { signal }) => {
      try {
        const { jobs } = accounts.of(account);
        const stats = new ColumnStats();
        const shown: Array<Record<string, unknown>> = [];
        for await (const row of await rowsOf(jobs, jobId, maxWaitMs, signal)) {
          stats.add(row);
          shown.push(row);
          if (shown.length >= rows) break;
        }
        const columns = stats.columns().map(({ name, type }) => ({ name, type }));
        return answer({ columns, rows: shown.map((row) => columns.map(({ name }) => cell(row[name]))) });
      } catch (error) {
        return failed(accounts.of(account).jobs, jobId, error);
      }
    },
  );

  server.registerTool(
    "summarize_result",
    {
      title: "Summarise a result",
      description:
        "Reads a job's whole result in constant memory: how many rows, and for each column its type, empty cells, and the least and greatest value of numbers and dates.",
      inputSchema: { account: accounts.schema, jobId: JOB_ID },
      outputSchema: { rows: z.number(), columns: z.array(COLUMN) },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    },
    async ({ account, jobId }, { signal }) => {
      try {
        const { jobs } = accounts.of(account);
        const stats = new ColumnStats();
        for await (const row of await rowsOf(jobs, jobId, maxWaitMs, signal)) stats.add(row);
        return answer({ rows: stats.rows, columns: stats.columns() });
      } catch (error) {
        return failed(accounts.of(account).jobs, jobId, error);
      }
    },
  );
}
