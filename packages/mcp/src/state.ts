import { JobFailedError, type Jobs, type ReportMetadata } from "@impactkit/jobs";

/** How long an export is reused for an identical request: a day, the span of the daily export quotas it saves. */
export const REUSE_MS: number = 24 * 3_600_000;

/**
 * What the servers of one account remember between tool calls — also across the servers a Streamable HTTP
 * endpoint makes per request: the jobs its exports scheduled in the last day, by request (impact.com answers an
 * identical export with the existing job, https://integrations.impact.com/impact-brand/reference/schedule-reports-with-reportexport-and-clickexport,
 * so asking again spends a request and a daily quota slot for nothing), what it knows of each of those jobs
 * (its report, the file its result was downloaded to), and each report's metadata, fetched once.
 */
interface AccountState {
  readonly exports: Map<string, { jobId: string; at: number }>;
  readonly jobs: Map<string, { reportId?: string; file?: string }>;
  readonly metadata: Map<string, Promise<ReportMetadata>>;
}

const states = new WeakMap<Jobs<{}>, AccountState>();

/** The state of the account `jobs` acts for. */
export function stateOf(jobs: Jobs<{}>): AccountState {
  let state = states.get(jobs);
  if (!state) states.set(jobs, (state = { exports: new Map(), jobs: new Map(), metadata: new Map() }));
  return state;
}

/** An export request as a key: its kind, report and parameters, in a stable order. */
export function exportKey(kind: string, reportId: string, params: Readonly<Record<string, unknown>>): string {
  const sorted = Object.keys(params)
    .sort()
    .map((name) => [name, params[name]]);
  return JSON.stringify([kind, reportId, sorted]);
}

/** The job an identical export scheduled within `REUSE_MS` of `now`; older exports are forgotten on the way. */
export function reusable(jobs: Jobs<{}>, key: string, now: number): string | undefined {
  const { exports } = stateOf(jobs);
  for (const [earlierKey, earlier] of exports) if (now - earlier.at >= REUSE_MS) exports.delete(earlierKey);
  return exports.get(key)?.jobId;
}

/** A report's metadata, fetched once per account (a failed fetch is not kept, so that the next call asks again). */
export function metadataOf(jobs: Jobs<{}>, reportId: string): Promise<ReportMetadata> {
  const { metadata } = stateOf(jobs);
  let fetched = metadata.get(reportId);
  if (!fetched) {
    fetched = jobs.reportMetadata(reportId);
    metadata.set(reportId, fetched);
    fetched.catch(() => metadata.delete(reportId));
  }
  return fetched;
}

/**
 * Forgets the exports that gave `jobId` once the job is seen to have ended without a result (FAILED, CANCELLED,
 * ERROR): an identical request then schedules a new job instead of handing back the dead one.
 */
export function forgetEnded(jobs: Jobs<{}>, jobId: string): void {
  const { exports } = stateOf(jobs);
  for (const [key, earlier] of exports) if (earlier.jobId === jobId) exports.delete(key);
}

/** `error` seen by a tool about `jobId`: a job that ended without a result (`JobFailedError`) is forgotten (`forgetEnded`). */
export function seenFailing(jobs: Jobs<{}>, jobId: string, error: unknown): void {
  if (error instanceof JobFailedError) forgetEnded(jobs, jobId);
}
