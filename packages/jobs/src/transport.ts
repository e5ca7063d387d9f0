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

/** Lets go of a body that will not be read. */
export async function discard(response: Response): Promise<void> {
  if (!response.bodyUsed) await response.body?.cancel().catch(() => undefined);
}

/** Full-jitter exponential backoff between transport retries: random · min(500 ms · 2^n, 20 s). */
export function retryBackoff(attempt: number, random: () => number): number {
  return Math.round(random() * Math.min(500 * 2 ** attempt, 20_000));
}

function parseBody(response: Response, text: unknown): unknown {
  if (typeof text !== "string" || text === "") return undefined;
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
    try {
      if (wait > 0) await sleep(timing, wait, signal);
      const { data, error, response } = await call(signal);
      gate.note(readRateLimit(response.headers, context.api, timing.now()));
      const retryAfter = parseRetryAfter(response.headers.get("retry-after"), timing.now());
      if (response.status < 400) {
        const body = typeof data === "string" ? parseBody(response, data) : data;
        return { body, response };
      }
      const body = (() => {
        try {
          return typeof error === "string" ? parseBody(response, error) : error;
        } catch {
          return undefined;
        }
      })();
      const retryable = response.status === 429 || response.status === 503 || (mode === "idempotent" && response.status >= 500);
      if (response.status === 429 && retryAfter !== undefined) gate.pause(timing.now() + retryAfter);
      if (!retryable || attempt >= context.retries) {
        throw response.status === 429 ? new RateLimitError(what, body, retryAfter) : new ApiError(what, response.status, body);
      }
      context.logger?.warn(`${what}: HTTP ${response.status}, retrying`, { attempt: attempt + 1, retryAfterMs: retryAfter });
      await sleep(timing, Math.max(retryAfter ?? 0, retryBackoff(attempt, () => timing.random())), signal);
    } catch (error) {
      if (signal?.aborted) throw new JobAbortedError(what, signal.reason);
      if (error instanceof ApiError) throw error;
      if (mode === "unsafe" || attempt >= context.retries) throw new TransportError(what, error);
      context.logger?.warn(`${what}: ${(error as Error).message}, retrying`, { attempt: attempt + 1 });
      await sleep(timing, retryBackoff(attempt, () => timing.random()), signal).catch(() => {
        throw new JobAbortedError(what, signal?.reason);
      });
    }
  }
}
