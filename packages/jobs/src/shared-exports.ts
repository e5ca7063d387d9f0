/** What both entry points export as they are: everything but the operations that depend on the runtime (`index.ts`, `universal.ts`). */
export { ApiError, ConnectionError, DownloadError, ExportRefusedError, InvalidArgumentError, JobAbortedError, JobFailedError, JobNotReplayableError, JobsError, JobTimeoutError, ProtocolError, RateLimitError, RateLimitWaitError, RequestTimeoutError, TransportError } from "./errors.js";
export { exportClicks, exportReport, type JobHandle } from "./export-job.js";
export { getJob } from "./get-job.js";
export { columnTypes, type Coercion, type ColumnType } from "./coerce.js";
export { normaliseJob, type Job, type JobWireField, type KnownJobStatus, type KnownJobType } from "./job.js";
export { jobIdFromQueuedUri, validateJobId, validateReportId } from "./job-id.js";
export type { JobsPaths, RequireJobsPaths } from "./jobs-paths.js";
export { listJobs, type ListOptions } from "./list-jobs.js";
export { DEFAULT_POLL_POLICY, DEFAULTS } from "./defaults.js";
export type { PollPolicy } from "./poll-policy.js";
export type { ResultRecord } from "./records.js";
export { replayJob } from "./replay.js";
export { listReports, reportMetadata, type Report, type ReportFilter, type ReportMetadata } from "./reports.js";
export { resultStream, type ResultOptions } from "./result-stream.js";
export { decodeResumeToken, type ResumeState } from "./resume-token.js";
export type { Timing } from "./timing.js";
export type { Logger, RateLimitEvent } from "./transport.js";
export { waitForJob, type WaitOptions } from "./wait-job.js";
