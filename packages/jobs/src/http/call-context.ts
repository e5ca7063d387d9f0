import { ConnectionError, RequestTimeoutError, type TransportError } from "../base/errors.js";
import { DEFAULTS } from "../base/defaults.js";
import type { Logger } from "../base/logger.js";
import type { Timing } from "../base/timing.js";
import { RateGate, type RateLimitHeaders } from "../engine/rate-limit.js";

/** What `createJobs` hands to every call. */
export interface CallContext {
  timing: Timing;
  /** The API's host (and port), for messages. */
  host: string;
  /** The path every API path is under, `/Mediapartners/{AccountSID}` (the flavor's, unfilled): for spans' `url.template`. */
  basePath?: string | undefined;
  gate: RateGate;
  /** The names of the flavor's rate-limit headers (`SPEC.traits.rateLimitHeaders`). */
  rateLimitHeaders: RateLimitHeaders;
  /** Retries of one call after the first attempt. */
  retries: number;
  /** How long one attempt may wait for its response before it is given up (and retried). */
  requestTimeoutMs: number;
  /** How long one call may take across its attempts and the waits between them (rate-limit waits aside). */
  callTimeoutMs: number;
  /** How long a body may send no byte before the transfer is given up (and resumed). */
  idleTimeoutMs: number;
  /** The longest wait for the rate limit's reset a call accepts; a longer one is a `RateLimitWaitError`. */
  maxRateLimitWaitMs: number;
  logger: Logger | undefined;
  /** Told when requests are held back for the hourly budget. */
  onRateLimit?: ((event: RateLimitEvent) => void) | undefined;
  /** Epoch ms until which a call is waiting for the rate limit to reset, while one is: for the timeout error. */
  rateLimitedUntil?: number | undefined;
  /** Whether the calls reach the API: for a wait whose deadline comes while they cannot. */
  reach: Reach;
}

/**
 * A `CallContext` with a fresh rate gate and reach: `given` overrides the `DEFAULTS` of the numeric limits
 * (checked by the caller).
 */
export function createCallContext(given: Pick<CallContext, "timing" | "host" | "rateLimitHeaders"> & Partial<Omit<CallContext, "reach">>): CallContext {
  return {
    gate: new RateGate(),
    reach: { failure: undefined, silentSince: undefined, inFlight: 0 },
    retries: DEFAULTS.retries,
    requestTimeoutMs: DEFAULTS.requestTimeoutMs,
    callTimeoutMs: DEFAULTS.callTimeoutMs,
    idleTimeoutMs: DEFAULTS.idleTimeoutMs,
    maxRateLimitWaitMs: DEFAULTS.maxRateLimitWaitMs,
    logger: undefined,
    ...given,
  };
}

/** What the calls of an instance last heard of the API: a failure since the last answer, or a silence. */
export interface Reach {
  /** The last attempt's failure below HTTP, until an answer comes. */
  failure: TransportError | undefined;
  /** When the oldest attempt now waiting for an answer started, while one does. */
  silentSince: number | undefined;
  inFlight: number;
}

/** A silence longer than this at a wait's deadline means the API cannot be reached, not that the job is late. */
const SILENCE_MS = 5_000;

/**
 * Why a wait ending now failed to hear from the API, if it did: the last failure below HTTP since the last
 * answer ("cannot reach api.impact.com: …"), or a request still unanswered after `SILENCE_MS`. Undefined
 * while the rate limit holds the calls back (that is a late job, and `rateLimitHint` says why).
 */
export function unreachable(context: CallContext, what: string): TransportError | undefined {
  const { reach, timing } = context;
  if (rateLimitHint(context)) return undefined;
  if (reach.failure) return new ConnectionError(what, reach.failure.cause, reach.failure.detail, reach.failure.causeCode);
  const silence = reach.silentSince === undefined ? 0 : timing.now() - reach.silentSince;
  return silence >= SILENCE_MS
    ? new RequestTimeoutError(what, undefined, `cannot reach ${context.host}: no answer for ${Math.round(silence / 1000)} s`)
    : undefined;
}

/**
 * Requests are held back for the account's hourly budget: `"pacing"` when more than half of it is spent
 * and requests start being spaced until `until` (its reset), once per window; `"waiting"` when one
 * request waits longer than 5 s (the budget is gone, or a 429 said to wait).
 */
export interface RateLimitEvent {
  kind: "pacing" | "waiting";
  /** The call held back, such as `GET /Jobs` or `ReportExport ATT_ID`. */
  what: string;
  waitMs: number;
  /** Epoch ms: the end of the wait, or the budget's reset. */
  until: number;
  /** Requests left in the window, when the API said. */
  remaining: number | undefined;
}

/** Why a wait is late, when the rate limit holds it: for `JobTimeoutError`. */
export function rateLimitHint(context: CallContext): string | undefined {
  const until = context.rateLimitedUntil;
  return until !== undefined && until > context.timing.now() ? `waiting for the hourly rate limit to reset at ${new Date(until).toISOString()}` : undefined;
}
