/**
 * `@impactkit/jobs` where Node.js's modules are not (browsers, Cloudflare Workers, bundles for
 * `platform: "neutral"`): the same API, rows parsed without Node.js
 * streams, and file downloads refused with an error that names `stream()` and `records()`. Chosen by the
 * package's `exports` for every condition but `node` (which Deno and Bun also take).
 */
import type { ImpactClient } from "@impactkit/core";
import type { JobsContext, JobsOptions } from "./impact/context.js";
import type { ResultOptions } from "./result/options.js";
import type { ResultRecord } from "./result/records.js";
import { jobsContext } from "./ops/jobs-context.js";
import { jobsOf, type FileOperations, type Jobs } from "./api/jobs-of.js";
import type { RequireJobsPaths } from "./impact/jobs-paths.js";
import { downloadJob, fileRowsElsewhere } from "./files/no-file-system.js";

/** A job's result as rows, parsed by csv-parse's browser build, which is loaded with the first rows. */
export async function* jobRecords(context: JobsContext, id: string, options: ResultOptions = {}): AsyncGenerator<ResultRecord, void, undefined> {
  const { webJobRecords } = await import("./result/web-rows.js");
  yield* webJobRecords(context, id, options);
}

/** No files; rows through csv-parse's browser build. */
const WEB_FILES: FileOperations = { download: downloadJob, records: jobRecords, fileRecords: fileRowsElsewhere };

/** `createJobs` where there are no files: `download()` rejects (there are no files), `stream()` and `records()` work. */
export function createJobs<P extends {}>(client: ImpactClient<P> & RequireJobsPaths<P>, options: JobsOptions = {}): Jobs<P> {
  return jobsOf(jobsContext(client, options), WEB_FILES);
}

export type { JobsContext, JobsOptions } from "./impact/context.js";
export { jobsContext } from "./ops/jobs-context.js";
export type { ClickParams, Jobs, RecordsFromFile, RecordsOptions, ReportFilterValue, ReportParams } from "./api/jobs-of.js";
export { checkDownloadTarget, downloadJob } from "./files/no-file-system.js";
export type { DownloadOptions, DownloadResult } from "./files/download.js";
export * from "./api/shared-exports.js";
