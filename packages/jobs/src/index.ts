/**
 * `@impactkit/jobs` on Node.js (and Deno and Bun, which take its `node` condition): downloads to files, Node.js streams.
 *
 * @packageDocumentation
 */
export type { JobsContext, JobsOptions } from "./impact/context.js";
export {
  createJobs,
  jobsContext,
  type ClickParams,
  type Jobs,
  type RecordsFromFile,
  type RecordsOptions,
  type ReportFilterValue,
  type ReportParams,
} from "./api/create-jobs.js";
export { checkDownloadTarget, downloadJob, type DownloadOptions, type DownloadResult } from "./files/download.js";
export { jobRecords } from "./result/node-rows.js";
export * from "./api/shared-exports.js";
