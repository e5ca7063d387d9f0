import { ApiError, ConnectionError, JobAbortedError, JobsError, ProtocolError, RateLimitError, RateLimitWaitError, RequestTimeoutError, responseContext, type TransportError } from "../base/errors.js";
import { transportFailure } from "./failure.js";
import { safeUrl } from "../base/redact.js";
import { DEFAULTS } from "../base/defaults.js";
import { RateGate, readRateLimit, type RateLimitHeaders } from "../engine/rate-limit.js";
import { parseRetryAfter } from "../engine/retry-after.js";
import { sleep, type Timing } from "../base/timing.js";
import type { Logger } from "../base/logger.js";

/** What `createJobs` hands to every call. */
export interface CallContext {
  timing: Timing;
  /** The API's host (and port), for messages. */
  host: string;
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
  if (reach.failure) return new ConnectionError(what, reach.failure.cause, reach.failure.detail, reach.failure.code);
  const silence = reach.silentSince === undefined ? 0 : timing.now() - reach.silentSince;
  return silence >= SILENCE_MS ? new RequestTimeoutError(what, undefined, `cannot reach ${context.host}: no answer for ${Math.round(silence / 1000)} s`) : undefined;
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

export type RawCall = (signal: AbortSignal | undefined) => Promise<{ data?: unknown; error?: unknown; response: Response }>;

/**
 * `idempotent` calls (GETs) are retried after network errors, unreadable bodies, 429 and 5xx; `unsafe`
 * ones (a Replay creates a job) only after 429 or 503, which say the request was not processed.
 */
export type RetryMode = "idempotent" | "unsafe";

/** Lets go of a body that will not be read (cancelling one already read is a harmless no-op or rejection). */
export async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}

/** Full-jitter exponential backoff between transport retries: random · min(500 ms · 2^n, 20 s). */
export function retryBackoff(attempt: number, random: () => number): number {
  return Math.round(random() * Math.min(500 * 2 ** attempt, 20_000));
}

/**
 * Sleeps before the retry after failed attempt `attempt` (0 is the first): `retryBackoff`, but at least
 * `minMs`. An abort rejects with a `JobAbortedError` naming `what`.
 */
export async function backOff(timing: Timing, attempt: number, what: string, signal: AbortSignal | undefined, minMs = 0): Promise<void> {
  await sleep(timing, Math.max(minMs, retryBackoff(attempt, () => timing.random())), signal).catch(() => {
    throw new JobAbortedError(what, signal?.reason);
  });
}

/**
 * The signal of one attempt: it aborts with the caller's signal, or after `ms` (by the injected timing) with
 * a `TimeoutError`, so that a stalled response cannot hang a call. `end()` releases the timer and listener.
 */
export function attemptSignal(timing: Timing, ms: number, signal: AbortSignal | undefined): { signal: AbortSignal; end: () => void } {
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal!.reason);
  if (signal?.aborted) onAbort();
  signal?.addEventListener("abort", onAbort, { once: true, signal: controller.signal });
  const cancel = timing.setTimer(() => controller.abort(new DOMException(`no response within ${ms} ms`, "TimeoutError")), ms);
  return {
    signal: controller.signal,
    end() {
      cancel();
      signal?.removeEventListener("abort", onAbort);
    },
  };
}

/** Rate-limit waits longer than this are logged as they start: a silent hour looks like a hang. */
export const LOGGED_RATE_LIMIT_WAIT_MS = 5_000;

/**
 * Sleeps `ms` before a request, for the account's rate limit (the budget is spent or spaced out until its
 * reset: https://integrations.impact.com/impact-brand/reference/rate-limits). A long wait is logged with
 * its reason and end; one longer than `maxRateLimitWaitMs` is refused with a `RateLimitWaitError`.
 */
export async function rateLimitWait(context: CallContext, what: string, ms: number, signal: AbortSignal | undefined): Promise<void> {
  const until = context.timing.now() + ms;
  if (ms > context.maxRateLimitWaitMs) throw new RateLimitWaitError(what, ms, until, context.maxRateLimitWaitMs);
  if (ms > LOGGED_RATE_LIMIT_WAIT_MS) {
    context.logger?.warn(`${what}: waiting ${Math.ceil(ms / 1000)} s for the hourly rate limit to reset at ${new Date(until).toISOString()}`, { waitMs: ms });
    context.onRateLimit?.({ kind: "waiting", what, waitMs: ms, until, remaining: context.gate.budget(context.timing.now())?.remaining });
  }
  context.rateLimitedUntil = Math.max(context.rateLimitedUntil ?? 0, until);
  try {
    await sleep(context.timing, ms, signal);
  } finally {
    if (context.rateLimitedUntil <= context.timing.now()) context.rateLimitedUntil = undefined;
  }
}

/**
 * Says once per budget window that requests are now spaced out (more than half of the hourly budget is
 * spent), with what is left and until when: an instance asked for more than the budget allows slows
 * down visibly instead of running into 429s.
 */
function announcePacing(context: CallContext, what: string): void {
  const budget = context.gate.budget(context.timing.now());
  if (!budget) return;
  const limit = budget.limit === undefined ? "" : ` of ${budget.limit}`;
  context.logger?.warn(`${what}: ${budget.remaining}${limit} requests left until ${new Date(budget.resetAt).toISOString()}; spacing requests out to stay within the hourly budget`, { remaining: budget.remaining, resetAt: budget.resetAt });
  context.onRateLimit?.({ kind: "pacing", what, waitMs: 0, until: budget.resetAt, remaining: budget.remaining });
}

/** Waits for the first answer of the instance (`RateGate.firstAnswer`); an abort rejects with a `JobAbortedError` naming `what`. */
function untilAnswered(answer: Promise<void>, what: string, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return answer;
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new JobAbortedError(what, signal.reason));
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    void answer.then(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    });
  });
}

/** Why a wait is late, when the rate limit holds it: for `JobTimeoutError`. */
export function rateLimitHint(context: CallContext): string | undefined {
  const until = context.rateLimitedUntil;
  return until !== undefined && until > context.timing.now() ? `waiting for the hourly rate limit to reset at ${new Date(until).toISOString()}` : undefined;
}

/** A text body as JSON (`undefined` when empty); a body that is not text (a stream) as it is. */
function parseBody(response: Response, text: unknown): unknown {
  if (typeof text !== "string") return text;
  if (text === "") return undefined;
  const type = response.headers.get("content-type") ?? "";
  if (!/json/i.test(type)) throw new Malformed(`expected JSON, got ${type || "no Content-Type"}`, true);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Malformed(`the body is not valid JSON (${(error as Error).message})`, true);
  }
}

/** An answer that breaks the contract, found within an attempt: it becomes a `ProtocolError` naming the call. */
class Malformed extends Error {
  readonly retryable: boolean;

  constructor(detail: string, retryable: boolean) {
    super(detail);
    this.retryable = retryable;
  }
}

export interface CallOptions<T> {
  /** How the call is retried (default `"idempotent"`). */
  mode?: RetryMode;
  /**
   * `"refuse"` (default): a 3xx is a `ProtocolError` — the Jobs API redirects nowhere but Download, and a
   * redirect elsewhere must not receive the request's headers nor stand in for its answer. `"return"`:
   * the 3xx response is the result (Download's 302 to the signed storage URL).
   */
  redirects?: "refuse" | "return";
  /**
   * Reads a 2xx body; throwing marks the answer as malformed, which is retried like unreadable JSON
   * (a 200 whose body is `null`, `[]` or a string is no Job).
   */
  read?: (body: unknown) => T;
}


/**
 * Runs one API call under the shared rate gate, retrying transient failures within a bounded budget
 * (`retries`, and `callTimeoutMs` for the attempts and the waits between them); honours `Retry-After`
 * (pausing every call of the instance) and reads the flavor's rate-limit headers. Other 4xx are not
 * retried, nor are failures another attempt cannot mend (a certificate, a malformed response). The call
 * must use `parseAs: "text"` (or a stream for 2xx/3xx) and `redirect: "manual"` (the flavor clients set it).
 */
export async function callApi<T = unknown>(context: CallContext, what: string, call: RawCall, signal: AbortSignal | undefined, options: CallOptions<T> = {}): Promise<{ body: T; response: Response }> {
  const { timing, gate, reach } = context;
  const mode = options.mode ?? "idempotent";
  let deadline = timing.now() + context.callTimeoutMs;
  for (let attempt = 0; ; attempt += 1) {
    for (let first = gate.firstAnswer(); first; first = gate.firstAnswer()) await untilAnswered(first, what, signal);
    const { waitMs: wait, pacingStarted } = gate.reserve(timing.now());
    let answered = false;
    /** The least wait before the retry: the server's `Retry-After`, if it sent one with a retryable status. */
    let minMs = 0;
    /** What the caller gets if this attempt is the last: the retryable answer or failure it met. */
    let last: JobsError;
    let attemptTimeout: ReturnType<typeof attemptSignal> | undefined;
    let started = false;
    try {
      if (pacingStarted) announcePacing(context, what);
      if (wait > 0) {
        await rateLimitWait(context, what, wait, signal);
        deadline += wait;
      }
      attemptTimeout = attemptSignal(timing, Math.max(1, Math.min(context.requestTimeoutMs, deadline - timing.now())), signal);
      started = true;
      reach.inFlight += 1;
      reach.silentSince ??= timing.now();
      const { data, error, response } = await call(attemptTimeout.signal).catch((error: unknown) => {
        throw attemptTimeout!.signal.aborted && !signal?.aborted ? attemptTimeout!.signal.reason : error;
      });
      const { status, headers } = response;
      answered = true;
      reach.failure = undefined;
      reach.silentSince = undefined;
      gate.note(readRateLimit(headers, context.rateLimitHeaders, timing.now()));
      const retryAfter = parseRetryAfter(headers.get("retry-after"), timing.now());
      if (status >= 300 && status < 400) {
        if (options.redirects === "return") return { body: undefined as T, response };
        await discard(response);
        const location = headers.get("location");
        throw new Malformed(`the API answered HTTP ${status}${location ? ` to ${safeUrl(location)}` : ""}; the Jobs API redirects only Download, so it was not followed`, false);
      }
      if (status < 300) {
        const body = parseBody(response, data);
        if (!options.read) return { body: body as T, response };
        try {
          return { body: options.read(body), response };
        } catch (error) {
          throw new Malformed((error as Error).message, true);
        }
      }
      let body: unknown;
      try {
        body = parseBody(response, error);
      } catch {
        // An unreadable error body: the error is reported without it.
      }
      const retryable = status === 429 || status === 503 || (mode === "idempotent" && status >= 500);
      if (status === 429 && retryAfter !== undefined) gate.pause(timing.now() + retryAfter);
      last = status === 429 ? new RateLimitError(what, body, retryAfter, responseContext(headers)) : new ApiError(what, status, body, responseContext(headers));
      if (!retryable || attempt >= context.retries) throw last;
      minMs = retryAfter ?? 0;
    } catch (error) {
      if (signal?.aborted) throw new JobAbortedError(what, signal.reason);
      if (error instanceof JobsError) throw error;
      const { error: failure, transient } = error instanceof Malformed ? { error: new ProtocolError(what, undefined, error.message), transient: error.retryable } : transportFailure(what, context.host, error);
      if (!answered) reach.failure = failure;
      if (!transient || mode === "unsafe" || attempt >= context.retries) throw failure;
      last = failure;
    } finally {
      attemptTimeout?.end();
      if (!answered) gate.note(undefined);
      if (started) {
        reach.inFlight -= 1;
        if (reach.inFlight === 0) reach.silentSince = undefined;
      }
    }
    // The call's time is spent: the caller gets what the last attempt met, rather than a retry that cannot finish.
    const delay = Math.max(minMs, retryBackoff(attempt, () => timing.random()));
    if (timing.now() + delay >= deadline) throw last;
    context.logger?.warn(`${last instanceof ApiError ? `${what}: HTTP ${last.status}` : last.message}; retrying in ${Math.ceil(delay / 1000)} s`, { attempt: attempt + 1, delayMs: delay });
    await sleep(timing, delay, signal).catch(() => {
      throw new JobAbortedError(what, signal?.reason);
    });
  }
}
