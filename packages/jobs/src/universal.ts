/**
 * `@impactkit/jobs` where Node.js's modules are not (browsers, Cloudflare Workers, bundles for
 * `platform: "neutral"`): the same API, rows parsed without Node.js
 * streams, and file downloads refused with an error that names `stream()` and `records()`. Chosen by the
 * package's `exports` for every condition but `node` (which Deno and Bun also take).
 */
import type { ImpactClient } from "@impactkit/core";
import { jobsContext, type JobsOptions } from "./context.js";
import { jobsOf, type FileOperations, type Jobs } from "./jobs-of.js";
import type { RequireJobsPaths } from "./jobs-paths.js";
import { downloadJob, fileRowsElsewhere } from "./no-file-system.js";

/** No files; rows through csv-parse's browser build, loaded on first use. */
const WEB_FILES: FileOperations = {
  download: downloadJob,
  async *records(context, id, options) {
    const { webJobRecords } = await import("./web-records.js");
    yield* webJobRecords(context, id, options);
  },
  fileRecords: fileRowsElsewhere,
};

/** `createJobs` where there are no files: `download()` rejects (there are no files), `stream()` and `records()` work. */
export function createJobs<P extends {}>(client: ImpactClient<P> & RequireJobsPaths<P>, options: JobsOptions = {}): Jobs<P> {
  return jobsOf(jobsContext(client, options), WEB_FILES);
}

export { jobsContext, type JobsContext, type JobsOptions } from "./context.js";
export type { ClickParams, Jobs, RecordsFromFile, RecordsOptions, ReportFilterValue, ReportParams } from "./jobs-of.js";
export { checkDownloadTarget, downloadJob, downloadTempFiles, downloadTempPath, publishFile } from "./no-file-system.js";
export type { DownloadOptions, DownloadResult } from "./download.js";
export { webJobRecords as jobRecords } from "./web-records.js";
export * from "./shared-exports.js";
