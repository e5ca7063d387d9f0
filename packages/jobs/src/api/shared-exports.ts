/** What both entry points export as they are: everything but the operations that depend on the runtime (`index.ts`, `universal.ts`). */
export { ImpactkitError } from "@impactkit/core";
export {
  ApiError,
  AuthenticationError,
  ConnectionError,
  DownloadError,
  ExportQuotaError,
  ExportRefusedError,
  InvalidArgumentError,
  JobAbortedError,
  JobFailedError,
  JobNotReplayableError,
  JobsError,
  JobTimeoutError,
  NotFoundError,
  PermissionDeniedError,
  ProtocolError,
  RateLimitError,
  RateLimitWaitError,
  RequestTimeoutError,
  TransportError,
} from "../base/errors.js";
export { exportClicks, exportReport, type JobHandle } from "../ops/export-job.js";
export { memoryExportQuota, type ExportKind, type ExportQuotaStore } from "../impact/export-quota.js";
export { exportQuota, type ExportQuotaStatus } from "../ops/export-quota.js";
export { getJob } from "../ops/get-job.js";
export { columnTypes, type Coercion, type ColumnType } from "../result/coerce.js";
export { FAILED_STATUSES, jobJson, type Job, type KnownJobStatus } from "../base/job.js";
export type { JobsPaths, RequireJobsPaths } from "../impact/jobs-paths.js";
export { DOCUMENTED_HOURLY_BUDGET } from "../impact/limits.js";
export { checkReportDates, type DateFormat, reportDateParams } from "../impact/report-dates.js";
export { listJobs, type ListOptions } from "../ops/list-jobs.js";
export { DEFAULT_POLL_POLICY, DEFAULTS, type PollPolicy } from "../base/defaults.js";
export type { ResultRecord } from "../result/records.js";
export { replayJob } from "../ops/replay.js";
export { listReports, reportMetadata, type Report, type ReportFilter, type ReportMetadata } from "../ops/reports.js";
export { resultStream } from "../result/chunks.js";
export type { ResultOptions } from "../result/options.js";
export { decodeResumeToken } from "../ops/resume-token.js";
export type { Timing } from "../base/timing.js";
export type { Logger } from "../base/logger.js";
export type { RateLimitEvent } from "../http/call-context.js";
export type { RateLimitState } from "../engine/rate-limit.js";
export { waitForJob, type WaitOptions } from "../ops/wait-job.js";
