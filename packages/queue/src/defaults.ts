/** Every default of the queue package, in one place. */

/** The BullMQ queue every pipeline goes through unless told otherwise. */
export const DEFAULT_QUEUE_NAME = "impactkit-exports";

/** Attempts of a pipeline whose step failed (a network error, a 5xx), with exponential backoff from `RETRY_BACKOFF_MS`. */
export const ATTEMPTS = 5;
export const RETRY_BACKOFF_MS = 5_000;

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

/** How long the index of an impact.com job (for Job Completion Events) is kept: longer than any export takes. */
export const JOB_INDEX_TTL_S: number = 7 * 86_400;
