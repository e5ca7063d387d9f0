import type { ColumnType, Jobs } from "@impactkit/jobs";

/**
 * What the servers of one account remember between tool calls — also across the servers a Streamable HTTP
 * endpoint makes per request: the jobs its exports scheduled, by request (impact.com answers an identical
 * export with the existing job, https://integrations.impact.com/impact-brand/reference/schedule-reports-with-reportexport-and-clickexport,
 * so asking again spends a request and a daily quota slot for nothing), the report of each job, and the files
 * results were downloaded to.
 */
interface AccountState {
  readonly exports: Map<string, { jobId: string; at: number }>;
  /** The report each job this server exported was of: its metadata types the result's columns. */
  readonly reports: Map<string, string>;
  /** Each report's column types, from its metadata, fetched once. */
  readonly columns: Map<string, Readonly<Record<string, ColumnType>>>;
  readonly files: Map<string, string>;
}

const states = new WeakMap<Jobs<{}>, AccountState>();

/** The state of the account `jobs` acts for. */
export function stateOf(jobs: Jobs<{}>): AccountState {
  let state = states.get(jobs);
  if (!state) states.set(jobs, (state = { exports: new Map(), reports: new Map(), columns: new Map(), files: new Map() }));
  return state;
}

/** How long an export is reused for an identical request: a day, the span of the daily export quotas it saves. */
export const REUSE_MS: number = 24 * 3_600_000;

/** An export request as a key: its kind, report and parameters, in a stable order. */
export function exportKey(kind: string, reportId: string, params: Readonly<Record<string, unknown>>): string {
  const sorted = Object.keys(params)
    .sort()
    .map((name) => [name, params[name]]);
  return JSON.stringify([kind, reportId, sorted]);
}

/**
 * Forgets the exports that gave `jobId` once the job is seen to have ended without a result (FAILED, CANCELLED,
 * ERROR): an identical request then schedules a new job instead of handing back the dead one.
 */
export function forgetEnded(jobs: Jobs<{}>, jobId: string): void {
  const { exports } = stateOf(jobs);
  for (const [key, earlier] of exports) if (earlier.jobId === jobId) exports.delete(key);
}
