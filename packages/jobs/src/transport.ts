import { ApiError, JobAbortedError, RateLimitError, TransportError } from "./errors.js";
import { readRateLimit, type RateGate } from "./rate-limit.js";
import { parseRetryAfter } from "./retry-after.js";
import { sleep, type Timing } from "./timing.js";

/** What `createJobs` hands to every call. */
export interface CallContext {
  timing: Timing;
  gate: RateGate;
  /** The flavor's API family, for its rate-limit header names. */
  api: string;
  /** Retries of one call after the first attempt. */
  retries: number;
  /** How long one attempt may wait for its response before it is given up (and retried). */
  requestTimeoutMs: number;
  logger: Logger | undefined;
}

/** Where the package reports what it did not expect. Never given credentials. */
export interface Logger {
  warn(message: string, details?: Record<string, unknown>): void;
}

export type RawCall = (signal: AbortSignal | undefined) => Promise<{ data?: unknown; error?: unknown; response: Response }>;

export interface CallResult {
  body: unknown;
  response: Response;
}

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

/** A text body as JSON (`undefined` when empty); a body that is not text (a stream) as it is. */
function parseBody(response: Response, text: unknown): unknown {
  if (typeof text !== "string") return text;
  if (text === "") return undefined;
  const type = response.headers.get("content-type") ?? "";
  if (!/json/i.test(type)) throw new SyntaxError(`expected JSON, got ${type || "no Content-Type"}`);
  return JSON.parse(text);
}

/**
 * Runs one API call under the shared rate gate, retrying transient failures within a bounded budget;
 * honours `Retry-After` (pausing every call of the instance) and reads the flavor's rate-limit headers.
 * Other 4xx are not retried. The call must use `parseAs: "text"` (or a stream for 2xx/3xx).
 */
export async function callApi(context: CallContext, what: string, call: RawCall, signal: AbortSignal | undefined, mode: RetryMode = "idempotent"): Promise<CallResult> {
  const { timing, gate } = context;
  for (let attempt = 0; ; attempt += 1) {
    const wait = gate.reserve(timing.now());
    /** The least wait before the retry: the server's `Retry-After`, if it sent one with a retryable status. */
    let minMs = 0;
    let attemptTimeout: ReturnType<typeof attemptSignal> | undefined;
    try {
      if (wait > 0) await sleep(timing, wait, signal);
      attemptTimeout = attemptSignal(timing, context.requestTimeoutMs, signal);
      const { data, error, response } = await call(attemptTimeout.signal).catch((error: unknown) => {
        throw attemptTimeout!.signal.aborted && !signal?.aborted ? attemptTimeout!.signal.reason : error;
      });
      const { status, headers } = response;
      gate.note(readRateLimit(headers, context.api, timing.now()));
      const retryAfter = parseRetryAfter(headers.get("retry-after"), timing.now());
      if (status < 400) return { body: parseBody(response, data), response };
      let body: unknown;
      try {
        body = parseBody(response, error);
      } catch {
        // An unreadable error body: the error is reported without it.
      }
      const retryable = status === 429 || status === 503 || (mode === "idempotent" && status >= 500);
      if (status === 429 && retryAfter !== undefined) gate.pause(timing.now() + retryAfter);
      if (!retryable || attempt >= context.retries) throw status === 429 ? new RateLimitError(what, body, retryAfter) : new ApiError(what, status, body);
      context.logger?.warn(`${what}: HTTP ${status}, retrying`, { attempt: attempt + 1, retryAfterMs: retryAfter });
      minMs = retryAfter ?? 0;
    } catch (error) {
      if (signal?.aborted) throw new JobAbortedError(what, signal.reason);
      if (error instanceof ApiError) throw error;
      if (mode === "unsafe" || attempt >= context.retries) throw new TransportError(what, error);
      context.logger?.warn(`${what}: ${(error as Error).message}, retrying`, { attempt: attempt + 1 });
    } finally {
      attemptTimeout?.end();
    }
    await backOff(timing, attempt, what, signal, minMs);
  }
}
