/**
 * When to check a job next. impact.com's jobs average around 5 seconds with a queue-dependent long tail
 * (https://integrations.impact.com/brand-api-reference/reference/jobs), so the first check waits until
 * a typical job is done, later checks come quickly at first and back off exponentially to a cap, and
 * every delay is jittered so that many waits do not poll in lock-step. The defaults are the ones that
 * met every target of the poll-policy benchmark (docs/benchmarks.md).
 */
export interface PollPolicy {
  /** Delay before the first check. */
  firstDelayMs: number;
  /** Delay after the first unfinished check; it grows by `factor` per check up to `maxDelayMs`. */
  minDelayMs: number;
  maxDelayMs: number;
  factor: number;
  /** Each delay is scaled by a random factor in [1 - jitter, 1 + jitter]. */
  jitter: number;
}

/**
 * Every default of `@impactkit/jobs`, in one place. The poll policy's first check comes after 6 s (the
 * documented jobs take seconds to minutes), then backs off from 1 s to 30 s; see docs/benchmarks.md for
 * how it compares with other pollers on the project's simulator.
 */
export const DEFAULT_POLL_POLICY: PollPolicy = { firstDelayMs: 6_000, minDelayMs: 1_000, maxDelayMs: 30_000, factor: 1.6, jitter: 0.2 };

/** The defaults of the numeric `JobsOptions`, and of a download's `maxAttempts`. */
export const DEFAULTS: {
  readonly retries: number;
  readonly concurrency: number;
  readonly timeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly callTimeoutMs: number;
  readonly connections: number;
  readonly idleTimeoutMs: number;
  readonly maxRateLimitWaitMs: number;
  readonly downloadAttempts: number;
  readonly zendeskTimeoutMs: number;
} = {
  /** Retries of one call after the first attempt. */
  retries: 4,
  /** Checks in flight at once per instance. */
  concurrency: 8,
  /** A wait's overall deadline: one hour. */
  timeoutMs: 3_600_000,
  /** How long one attempt waits for its response. */
  requestTimeoutMs: 30_000,
  /** How long one call may take across its attempts and the waits between them. */
  callTimeoutMs: 120_000,
  /** Connections a download opens to storage for the parts of a large result (S3's guidance: https://docs.aws.amazon.com/whitepapers/latest/s3-optimizing-performance-best-practices/use-byte-range-fetches.html). */
  connections: 8,
  /** How long a body may send nothing before the transfer is given up and resumed. */
  idleTimeoutMs: 30_000,
  /** No cap on a wait for the hourly rate limit's reset (waits over 5 s are logged). */
  maxRateLimitWaitMs: Number.POSITIVE_INFINITY,
  /** Transfers of one download resumed after a failure. */
  downloadAttempts: 5,
  /** A Zendesk job's deadline: ten minutes. */
  zendeskTimeoutMs: 600_000,
};
