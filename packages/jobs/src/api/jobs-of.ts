import type { ApiSpec } from "@impactkit/core";
import type { JobsContext } from "../impact/context.js";
import type { DownloadOptions, DownloadResult } from "../files/download.js";
import { InvalidArgumentError } from "../base/errors.js";
import { pull } from "../base/pull.js";
import { exportClicks, exportReport, type JobHandle } from "../ops/export-job.js";
import { checkClickExport, checkReportExport } from "../ops/check-export.js";
import { exportQuota, type ExportQuotaStatus } from "../ops/export-quota.js";
import { getJob } from "../ops/get-job.js";
import type { Job } from "../base/job.js";
import type { RateLimitState } from "../engine/rate-limit.js";
import { validateJobId } from "../base/job-id.js";
import { listJobs, type ListOptions } from "../ops/list-jobs.js";
import { checkCoercion, coerceRow, type Coercion } from "../result/coerce.js";
import type { ResultRecord } from "../result/records.js";
import { replayJob } from "../ops/replay.js";
import { listReports, reportMetadata, type Report, type ReportMetadata } from "../ops/reports.js";
import { resultStream } from "../result/chunks.js";
import type { ResultOptions } from "../result/options.js";
import { checkResumeTimes, decodeResumeToken, encodeResumeToken } from "../ops/resume-token.js";
import { waitForJob, type WaitOptions } from "../ops/wait-job.js";

type QueryOf<P, K> = K extends keyof P ? (P[K] extends { get: { parameters: { query?: infer Q } } } ? NonNullable<Q> : never) : never;

/** A report-specific filter's value (`-p` of the CLI): what the report's metadata says it takes. */
export type ReportFilterValue = string | number | boolean | readonly string[];

/**
 * The query of the flavor's `ReportExport`: its spec's parameters, typed (partner: `START_DATE` and
 * `END_DATE` are required; `ResultFormat` is CSV, JSON or XML), and any other filter the report takes —
 * "all other filters depend on the report" (`Advertiser`, …; `GET /Reports/{Id}/MetaData` lists them).
 */
export type ReportParams<P> = QueryOf<P, Extract<keyof P, `/ReportExport/${string}`>> & { readonly [filter: string]: ReportFilterValue | undefined };

/** The parameters of the flavor's ClickExport (brand adds `ProgramId`); `never` for agency, which has none. */
export type ClickParams<P> = "/ClickExport" extends keyof P
  ? QueryOf<P, "/ClickExport">
  : "/Programs/{ProgramId}/ClickExport" extends keyof P
    ? QueryOf<P, "/Programs/{ProgramId}/ClickExport"> & { ProgramId: string | number }
    : never;

/**
 * The Jobs API of one account, as `createJobs` returns it for a client of flavor `P` (its `paths`): list, get,
 * wait for, watch and replay jobs, schedule and check exports, and fetch results as a file, a stream or rows.
 */
export interface Jobs<P> {
  /** The flavor of the client. */
  readonly spec: ApiSpec;
  /** `GET /Jobs`, normalised; `createdAfter` ≤ `createdBefore`, as `Date` or `YYYY-MM-DD`. */
  list(options?: ListOptions): Promise<Job[]>;
  /** `GET /Jobs/{JobId}`, normalised. */
  get(id: string, options?: { signal?: AbortSignal }): Promise<Job>;
  /** Resolves with the COMPLETED job; rejects with `JobFailedError`, `JobTimeoutError`, `JobAbortedError`, `ApiError`… */
  wait(id: string, options?: WaitOptions): Promise<Job>;
  /** Waits for many jobs on the instance's one scheduler; settles every wait. */
  waitAll(ids: readonly string[], options?: WaitOptions): Promise<Array<PromiseSettledResult<Job>>>;
  /** Resumes a wait from a token that `onCheckpoint` gave, in this process or another. */
  resume(token: string, options?: Omit<WaitOptions, "timeoutMs">): Promise<Job>;
  /** The job at each change of status or progress, ending with the COMPLETED job. */
  watch(id: string, options?: Omit<WaitOptions, "onProgress">): AsyncGenerator<Job, void, undefined>;
  /** Streams the result to a file (temporary file, then atomic rename), resuming broken transfers. */
  download(id: string, options: DownloadOptions): Promise<DownloadResult>;
  /** The result as a resumable `ReadableStream`. */
  stream(id: string, options?: ResultOptions): ReadableStream<Uint8Array>;
  /**
   * The rows of a CSV or JSON result, in constant memory, as `Row` (a type of yours: the rows are not
   * checked against it), their values converted as `coerce` says (default: as the result has them).
   */
  records<Row extends object = ResultRecord>(id: string, options?: RecordsOptions): AsyncGenerator<Row, void, undefined>;
  /** The rows of a result saved earlier (`download()`'s file), without fetching it again; Node.js. */
  records<Row extends object = ResultRecord>(source: RecordsFromFile): AsyncGenerator<Row, void, undefined>;
  /** Replays a terminal job; resolves with the new job. */
  replay(id: string, options?: { signal?: AbortSignal }): Promise<Job>;
  /** Schedules a report export; resolves with the job's handle. */
  exportReport(reportId: string, params: ReportParams<P>, options?: { signal?: AbortSignal }): Promise<JobHandle>;
  /** Schedules a click export (partner and brand). */
  exportClicks(params: ClickParams<P>, options?: { signal?: AbortSignal }): Promise<JobHandle>;
  /**
   * What is left of the account's daily export quotas, as the instance's `exportQuota` store counts them: each
   * kind's limit, the exports left, and when a slot frees if none is. A kind without a documented limit is absent.
   */
  exportQuota(): Promise<ExportQuotaStatus>;
  /**
   * The account's hourly request budget as impact.com's last rate-limit headers gave it — the requests left and
   * when the budget renews (https://integrations.impact.com/impact-brand/reference/rate-limits) — shared by every
   * call of this instance; undefined before a response has said, and once the hour it spoke of has renewed.
   */
  rateBudget(): Readonly<RateLimitState> | undefined;
  /**
   * Checks a report export without scheduling it: the parameters the spec requires and, where the flavor
   * documents report discovery, the report's filters (one metadata request; `metadata: false` checks the
   * spec only; the report's metadata, fetched earlier, checks the filters without a request). Rejects with an
   * `InvalidArgumentError` naming the parameter at fault.
   */
  checkReportExport(reportId: string, params: ReportParams<P>, options?: { signal?: AbortSignal; metadata?: boolean | ReportMetadata }): Promise<void>;
  /**
   * Checks a click export without scheduling it, against where the flavor's spec has ClickExport: none for
   * agency, per program for brand (which needs `ProgramId`). Throws an `InvalidArgumentError` naming what is at fault.
   */
  checkClickExport(params: ClickParams<P>): void;
  /** `GET /Reports`: the account's reports (flavors whose spec documents it; others reject with `InvalidArgumentError`). */
  reports(options?: { signal?: AbortSignal }): Promise<Report[]>;
  /** `GET /Reports/{Id}/MetaData`: the filters a report takes and the columns it gives. */
  reportMetadata(reportId: string, options?: { signal?: AbortSignal }): Promise<ReportMetadata>;
  /** A Job Completion Event arrived: check the job now instead of at its next backoff. Returns the waits woken. */
  notify(id: string): number;
}

/** How `records()` reads and converts a job's rows. */
export interface RecordsOptions extends ResultOptions {
  /** `"auto"`, or each column's type (`columnTypes(metadata)`); see `Coercion`. */
  coerce?: Coercion;
}

/** `records()` of a file saved earlier: its path, and how to convert its values. */
export interface RecordsFromFile {
  /** The path of the file: a CSV or JSON result as `download()` saved it. */
  from: string;
  /** `"auto"`, or each column's type (`columnTypes(metadata)`); see `Coercion`. */
  coerce?: Coercion;
  signal?: AbortSignal;
}

/** The operations that touch files or parse with a runtime's own streams: each entry point brings its own. */
export interface FileOperations {
  download(context: JobsContext, id: string, options: DownloadOptions): Promise<DownloadResult>;
  records(context: JobsContext, id: string, options?: ResultOptions): AsyncGenerator<ResultRecord, void, undefined>;
  fileRecords(path: string, signal?: AbortSignal): AsyncGenerator<ResultRecord, void, undefined>;
}

/** `rows` converted as `coercion` says. */
async function* coerced(rows: AsyncGenerator<ResultRecord, void, undefined>, coercion: Coercion): AsyncGenerator<ResultRecord, void, undefined> {
  for await (const row of rows) yield coerceRow(row, coercion);
}

/** The `Jobs` of one context, with the runtime's file operations. */
export function jobsOf<P extends {}>(context: JobsContext, files: FileOperations): Jobs<P> {
  const { spec, accountSid } = context.client;
  const encode = (jobId: string) => (checkpoint: { attempt: number; nextAt: number; deadline: number }) =>
    encodeResumeToken({ api: spec.api, apiVersion: spec.apiVersion, accountSid, jobId, ...checkpoint });
  const wait = (id: string, waitOptions: WaitOptions = {}) => waitForJob(context, id, waitOptions, undefined, encode(validateJobId(id)));

  return {
    spec,
    list: (listOptions) => listJobs(context, listOptions),
    get: (id, getOptions) => getJob(context, id, getOptions?.signal),
    wait,
    waitAll: (ids, waitOptions) => Promise.allSettled(ids.map((id) => wait(id, waitOptions))),
    async resume(token, resumeOptions = {}) {
      const state = checkResumeTimes(decodeResumeToken(token), context.call.timing.now());
      if (state.api !== spec.api || state.apiVersion !== spec.apiVersion || state.accountSid !== accountSid) {
        throw new InvalidArgumentError(
          `the token is for ${state.api} v${state.apiVersion} account ${state.accountSid}, not this client's ${spec.api} v${spec.apiVersion} account ${accountSid}`,
        );
      }
      return waitForJob(context, state.jobId, resumeOptions, state, encode(state.jobId));
    },
    // Leaving the loop (`break`, `return`, an exception in its body) ends the wait: no poll outlives its reader.
    watch: (id, watchOptions = {}) =>
      pull<Job>((push, signal) => wait(id, { ...watchOptions, signal, onProgress: (job) => void push(job) }), {
        signal: watchOptions.signal,
        reason: "the watch loop was left",
      }),
    download: (id, downloadOptions) => files.download(context, id, downloadOptions),
    stream: (id, resultOptions) => resultStream(context, id, resultOptions),
    records: ((source: string | RecordsFromFile, recordsOptions: RecordsOptions = {}) => {
      const file = typeof source === "object" && source !== null ? source : undefined;
      const coercion = checkCoercion((file ?? recordsOptions).coerce);
      if (file && (typeof file.from !== "string" || file.from === ""))
        throw new InvalidArgumentError("records({ from }) needs the path of a result saved earlier");
      const rows = file ? files.fileRecords(file.from, file.signal) : files.records(context, source as string, recordsOptions);
      return coercion ? coerced(rows, coercion) : rows;
    }) as Jobs<P>["records"],
    replay: (id, replayOptions) => replayJob(context, id, replayOptions?.signal),
    exportReport: (reportId, params, exportOptions) => exportReport(context, reportId, params as Record<string, unknown>, exportOptions?.signal),
    exportClicks: (params, exportOptions) => exportClicks(context, params as Record<string, unknown>, exportOptions?.signal),
    exportQuota: () => exportQuota(context),
    rateBudget: () => context.call.gate.budget(context.call.timing.now()),
    checkReportExport: (reportId, params, checkOptions) => checkReportExport(context, reportId, params as Record<string, unknown>, checkOptions),
    checkClickExport: (params) => checkClickExport(context, params as Record<string, unknown>),
    reports: (reportsOptions) => listReports(context, reportsOptions?.signal),
    reportMetadata: (reportId, metadataOptions) => reportMetadata(context, reportId, metadataOptions?.signal),
    notify(id) {
      const jobId = validateJobId(id);
      context.observer.notified(jobId);
      return context.engine.notify(jobId);
    },
  };
}
