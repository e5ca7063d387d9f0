/** `@impactkit/jobs` on Node.js (and Deno and Bun, which take its `node` condition): downloads to files, Node.js streams. */
export type { JobsContext, JobsOptions } from "./context.js";
export { createJobs, jobsContext, type ClickParams, type Jobs, type RecordsFromFile, type RecordsOptions, type ReportFilterValue, type ReportParams } from "./create-jobs.js";
export { checkDownloadTarget, downloadJob, downloadTempFiles, downloadTempPath, publishFile, type DownloadOptions, type DownloadResult } from "./download.js";
export { jobRecords } from "./node-records.js";
export * from "./shared-exports.js";
