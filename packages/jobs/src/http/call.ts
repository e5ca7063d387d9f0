import { ImpactkitError } from "@impactkit/core";
import { ApiError, apiError, type JobsError, ProtocolError, responseContext } from "../base/errors.js";
import { transportFailure } from "./failure.js";
import { safeUrl } from "../base/redact.js";
import { readRateLimit } from "../engine/rate-limit.js";
import { parseRetryAfter, renewalBeyondHour } from "../engine/retry-after.js";
import { abortable, aborted, pause } from "../base/abort.js";
import { retryDelay } from "../engine/retry.js";
import { attemptSignal, discard } from "./attempt.js";
import type { CallContext } from "./call-context.js";
import { CallSpan } from "./call-span.js";
import { announcePacing, rateLimitWait } from "./pacing.js";

export type RawCall = (signal: AbortSignal | undefined) => Promise<{ data?: unknown; error?: unknown; response: Response }>;

/**
 * `idempotent` calls (GETs) are retried after network errors, unreadable bodies, 429 and 5xx; `unsafe`
 * ones (a Replay creates a job) only after 429 or 503, which say the request was not processed.
 */
export type RetryMode = "idempotent" | "unsafe";

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
  /**
   * The call's method and path template, `GET /Jobs/{JobId}`: its span's name and `url.template`. Without it the
   * span is named after the first word of `what` alone, since `what` may hold an id.
   */
  template?: string;
  /**
   * What a 429 whose budget renews beyond the hourly window means (an export's daily quota spent): given
   * when it renews (epoch ms), the error the call rejects with at once — it is neither retried nor waited
   * for, and its rate-limit headers are not taken for the hourly budget's. Without it, such a 429 is one more.
   */
  beyondHour?: (renewsAt: number) => JobsError;
}

/**
 * Runs one API call under the shared rate gate, retrying transient failures within a bounded budget
 * (`retries`, and `callTimeoutMs` for the attempts and the waits between them); honours `Retry-After`
 * (pausing every call of the instance) and reads the flavor's rate-limit headers. Other 4xx are not
 * retried, nor are failures another attempt cannot mend (a certificate, a malformed response). The call
 * must use `parseAs: "text"` (or a stream for 2xx/3xx) and `redirect: "manual"` (the flavor clients set it).
 * One OpenTelemetry span covers the call and its attempts (`CallSpan`).
 */
export function callApi<T = unknown>(
  context: CallContext,
  what: string,
  call: RawCall,
  signal: AbortSignal | undefined,
  options: CallOptions<T> = {},
): Promise<{ body: T; response: Response }> {
  const span = new CallSpan(what, options.template, context.host, context.basePath);
  return span.run(() => attempts(context, what, call, signal, options, span));
}

async function attempts<T>(
  context: CallContext,
  what: string,
  call: RawCall,
  signal: AbortSignal | undefined,
  options: CallOptions<T>,
  span: CallSpan,
): Promise<{ body: T; response: Response }> {
  const { timing, gate, reach } = context;
  const mode = options.mode ?? "idempotent";
  let deadline = timing.now() + context.callTimeoutMs;
  for (let attempt = 0; ; attempt += 1) {
    // The first answer of the instance tells the budget (`RateGate.firstAnswer`): the others wait for it.
    for (let first = gate.firstAnswer(); first; first = gate.firstAnswer()) await abortable(first, what, signal);
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
        span.rateLimitWait(wait, gate.budget(timing.now())?.remaining);
        await rateLimitWait(context, what, wait, signal);
        deadline += wait;
      }
      attemptTimeout = attemptSignal(timing, Math.max(1, Math.min(context.requestTimeoutMs, deadline - timing.now())), signal);
      started = true;
      span.attempt();
      reach.inFlight += 1;
      reach.silentSince ??= timing.now();
      const { data, error, response } = await call(attemptTimeout.signal).catch((error: unknown) => {
        throw attemptTimeout!.signal.aborted && !signal?.aborted ? attemptTimeout!.signal.reason : error;
      });
      const { status, headers } = response;
      answered = true;
      reach.failure = undefined;
      reach.silentSince = undefined;
      const budget = readRateLimit(headers, context.rateLimitHeaders, timing.now());
      const renewsAt = status === 429 && options.beyondHour ? renewalBeyondHour(headers, budget, timing.now()) : undefined;
      gate.note(renewsAt === undefined ? budget : undefined);
      span.answered(status, budget?.remaining);
      if (renewsAt !== undefined) throw options.beyondHour!(renewsAt);
      const retryAfter = parseRetryAfter(headers.get("retry-after"), timing.now());
      if (status >= 300 && status < 400) {
        if (options.redirects === "return") return { body: undefined as T, response };
        await discard(response);
        const location = headers.get("location");
        throw new Malformed(
          `the API answered HTTP ${status}${location ? ` to ${safeUrl(location)}` : ""}; the Jobs API redirects only Download, so it was not followed`,
          false,
        );
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
      last = apiError(what, status, body, responseContext(headers), retryAfter);
      if (!retryable || attempt >= context.retries) throw last;
      minMs = retryAfter ?? 0;
    } catch (error) {
      if (signal?.aborted) throw aborted(what, signal);
      if (error instanceof ImpactkitError) throw error;
      const { error: failure, transient } =
        error instanceof Malformed
          ? { error: new ProtocolError(what, undefined, error.message), transient: error.retryable }
          : transportFailure(what, context.host, error);
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
    const delay = retryDelay(attempt, () => timing.random(), minMs);
    if (timing.now() + delay >= deadline) throw last;
    context.logger?.warn(`${last instanceof ApiError ? `${what}: HTTP ${last.status}` : last.message}; retrying in ${Math.ceil(delay / 1000)} s`, {
      attempt: attempt + 1,
      delayMs: delay,
    });
    span.retrying(last, delay);
    await pause(timing, delay, what, signal);
  }
}
