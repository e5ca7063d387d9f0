/** Every default of the queue package, in one place. */

/** The BullMQ queue every pipeline goes through unless told otherwise. */
export const DEFAULT_QUEUE_NAME = "impactkit-exports";

/** Attempts of a pipeline whose step failed for a transient reason (a network error, a 5xx), with exponential backoff from `RETRY_BACKOFF_MS`. */
export const ATTEMPTS = 5;
export const RETRY_BACKOFF_MS = 5_000;

/** How long a finished pipeline is kept, with its result, for `queue add` to say it ran (https://docs.bullmq.io/guide/queues/auto-removal-of-jobs). */
export const KEEP_COMPLETED_S = 86_400;

/** How long a failed pipeline is kept, with its reason. */
export const KEEP_FAILED_S: number = 7 * 86_400;

/** How long `close()` lets the steps in progress finish before it ends them (they are checkpointed: another worker resumes them). */
export const CLOSE_TIMEOUT_MS = 30_000;

/** BullMQ's metrics: one data point a minute, kept two weeks (https://docs.bullmq.io/guide/metrics). */
export const METRICS_DATA_POINTS: number = 2 * 7 * 24 * 60;

/** The queue of the per-account observers, beside the pipelines' own (`<name>-observers`): counts and dashboards show pipelines only. */
export const observersQueueName = (name: string): string => `${name}-observers`;

/** How long a 429 without `Retry-After` or rate-limit headers holds the account's pipelines. */
export const RATE_LIMITED_MS = 60_000;

/**
 * How long a pipeline whose account's budget ran out sleeps past the renewal, at most: spread at random, so
 * that a fleet's pipelines do not all wake at the same instant.
 */
export const BUDGET_WAKE_SPREAD_MS = 5_000;

/**
 * The observer's list tick (one `GET /Jobs` for all of an account's waiting pipelines): 20 s is 180 requests
 * an hour, a fifth of the documented budget, whatever the number of pipelines.
 */
export const LIST_TICK_MS = 20_000;

/**
 * When a pipeline whose job the observer lists checks that job itself: a safety net for a job the list does not
 * show (the observer wakes it when the list shows it finished, or a Job Completion Event does).
 */
export const observedCheckDelay = (checks: number): number => Math.min(30 * 60_000, 10 * 60_000 * 1.5 ** (checks - 1));

/** How long after its `checks`-th check a running job is looked at again without an observer: 5 s, then ×1.5 up to 60 s. */
export const unobservedCheckDelay = (checks: number): number => Math.min(60_000, 5_000 * 1.5 ** checks);

/** Pipelines one worker runs a step of at once. */
export const CONCURRENCY = 4;

/** How long a worker's lock on a step lasts without renewal: a killed worker's step is taken over after it. */
export const LOCK_DURATION_MS = 30_000;

/** Steps are checkpointed, so a step whose worker died may be taken over this many times before the pipeline fails. */
export const MAX_STALLED = 10;

/** How long the index of an impact.com job (for Job Completion Events) is kept at most: it goes when its pipeline ends. */
export const JOB_INDEX_TTL_S: number = 7 * 86_400;
