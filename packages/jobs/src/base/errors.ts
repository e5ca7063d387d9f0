import { ImpactkitError, InvalidArgumentError } from "@impactkit/core";
import type { Job } from "./job.js";
import { redact, safeCause } from "./redact.js";

// The errors' fields are `declare`d and set in their constructors, so that no separate (undefined)
// class-field definition is emitted before the assignment.

/**
 * The base of the errors of jobs and their results (bad input is core's `InvalidArgumentError`, beside it
 * under `ImpactkitError`). Every class has a stable `code`; the table is in the package's README.
 */
export class JobsError extends ImpactkitError {
  override name = "JobsError";
  override readonly code: string = "IMPACTKIT_JOBS_ERROR";
}

export { InvalidArgumentError };

/** The job ended FAILED or CANCELLED, or is in ERROR and the wait was not told to wait through it. */
export class JobFailedError extends JobsError {
  override name = "JobFailedError";
  override readonly code: string = "IMPACTKIT_JOB_FAILED";
  declare readonly job: Job;
  declare readonly status: string;
  declare readonly statusMessage: string | undefined;

  constructor(job: Job) {
    const statusMessage = job.StatusMessage === undefined ? undefined : redact(job.StatusMessage);
    super(`Job ${job.Id} is ${job.Status}${statusMessage ? `: ${statusMessage}` : ""}`);
    this.job = job;
    this.status = job.Status;
    this.statusMessage = statusMessage;
  }
}

/** The deadline passed before the job finished; `job` is the last state seen (a `Job` for impact.com jobs). */
export class JobTimeoutError extends JobsError {
  override name = "JobTimeoutError";
  override readonly code: string = "IMPACTKIT_JOB_TIMEOUT";
  declare readonly job: unknown;

  /** `status`: the last status seen, when the job's own field is not impact.com's `Status` (another job API's). */
  constructor(jobId: string, timeoutMs: number, job: unknown, why?: string, status: unknown = (job as { Status?: unknown } | undefined)?.Status) {
    super(`Job ${jobId} did not finish within ${timeoutMs} ms${typeof status === "string" ? ` (last status ${status})` : ""}${why ? `; ${why}` : ""}`);
    this.job = job;
  }
}

/** The caller's AbortSignal fired. `name` is "AbortError", as for fetch. */
export class JobAbortedError extends JobsError {
  override name = "AbortError";
  override readonly code: string = "IMPACTKIT_ABORTED";
  declare readonly reason: unknown;

  constructor(what: string, reason: unknown) {
    super(`${what} was aborted`);
    this.reason = reason;
  }
}

/** What an API error keeps of the response: for support tickets and logs, never a credential. */
export interface ResponseContext {
  /** Response headers (lower-case names); `set-cookie` is left out. */
  headers: Readonly<Record<string, string>>;
  /** The server's request id, from the first of `x-request-id`, `request-id`, `x-amzn-requestid`, `cf-ray` it sent. */
  requestId: string | undefined;
}

const REQUEST_ID_HEADERS = ["x-request-id", "request-id", "x-amzn-requestid", "cf-ray"];

/** The headers and request id of a response, for an error. */
export function responseContext(headers: Headers | undefined): ResponseContext {
  const kept: Record<string, string> = {};
  headers?.forEach((value, name) => {
    if (name !== "set-cookie") kept[name] = redact(value);
  });
  return { headers: kept, requestId: REQUEST_ID_HEADERS.map((name) => kept[name]).find((value) => value !== undefined) };
}

/**
 * The API answered an error status (after the retries it allows). `message` carries the API's own
 * `Message` from the error envelope (https://integrations.impact.com/impact-brand/reference/errors);
 * `headers` and `requestId` are the response's, for a support request.
 */
export class ApiError extends JobsError {
  override name = "ApiError";
  override readonly code: string = "IMPACTKIT_API_ERROR";
  declare readonly status: number;
  declare readonly apiMessage: string | undefined;
  declare readonly errors: ReadonlyArray<{ Field?: string; Message?: string }> | undefined;
  declare readonly headers: Readonly<Record<string, string>>;
  declare readonly requestId: string | undefined;

  constructor(what: string, status: number, body: unknown, response: ResponseContext = responseContext(undefined)) {
    const envelope = (body !== null && typeof body === "object" ? body : {}) as { Message?: unknown; Errors?: unknown };
    const apiMessage = typeof envelope.Message === "string" ? redact(envelope.Message) : undefined;
    const errors = Array.isArray(envelope.Errors)
      ? (envelope.Errors as Array<{ Field?: unknown; Message?: unknown }>).map((error) => ({
          ...(typeof error?.Field === "string" ? { Field: redact(error.Field) } : {}),
          ...(typeof error?.Message === "string" ? { Message: redact(error.Message) } : {}),
        }))
      : undefined;
    const details = errors?.map((error) => `${error.Field ?? "?"}: ${error.Message ?? "?"}`).join("; ");
    super(
      `${what} failed with HTTP ${status}${apiMessage ? `: ${apiMessage}` : ""}${details ? ` (${details})` : ""}${response.requestId ? ` [request ${response.requestId}]` : ""}`,
    );
    this.status = status;
    this.apiMessage = apiMessage;
    this.errors = errors;
    this.headers = response.headers;
    this.requestId = response.requestId;
  }
}

/** 401: the account SID and auth token were not accepted (https://integrations.impact.com/impact-brand/reference/errors). */
export class AuthenticationError extends ApiError {
  override name = "AuthenticationError";
  override readonly code: string = "IMPACTKIT_API_UNAUTHORIZED";
}

/** 403: the credentials are good but may not do this (the token lacks the endpoint, or the account the program). */
export class PermissionDeniedError extends ApiError {
  override name = "PermissionDeniedError";
  override readonly code: string = "IMPACTKIT_API_FORBIDDEN";
}

/** 404: no such job, report or path for this account. */
export class NotFoundError extends ApiError {
  override name = "NotFoundError";
  override readonly code: string = "IMPACTKIT_API_NOT_FOUND";
}

/** The `ApiError` a status calls for: a subclass for the statuses callers branch on (401, 403, 404, 429). */
export function apiError(what: string, status: number, body: unknown, response: ResponseContext, retryAfterMs?: number): ApiError {
  if (status === 401) return new AuthenticationError(what, status, body, response);
  if (status === 403) return new PermissionDeniedError(what, status, body, response);
  if (status === 404) return new NotFoundError(what, status, body, response);
  if (status === 429) return new RateLimitError(what, body, retryAfterMs, response);
  return new ApiError(what, status, body, response);
}

/** 429 after the retries allowed, or a rate-limit wait longer than allowed; `retryAfterMs` is the server's last hint. */
export class RateLimitError extends ApiError {
  override name = "RateLimitError";
  override readonly code: string = "IMPACTKIT_RATE_LIMITED";
  declare readonly retryAfterMs: number | undefined;

  constructor(what: string, body: unknown, retryAfterMs: number | undefined, response?: ResponseContext) {
    super(what, 429, body, response);
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * Replay refused with 403 because of the job, not the credentials: it is "not in a replayable state" (still
 * QUEUED or RUNNING) or not of a replayable type — the response's Message says which (https://integrations.impact.com/agency-v3/reference/jobs/replay-a-job).
 */
export class JobNotReplayableError extends ApiError {
  override name = "JobNotReplayableError";
  override readonly code: string = "IMPACTKIT_JOB_NOT_REPLAYABLE";
}

/** A call would have to wait longer than `maxRateLimitWaitMs` for the account's rate limit to reset. */
export class RateLimitWaitError extends JobsError {
  override name = "RateLimitWaitError";
  override readonly code: string = "IMPACTKIT_RATE_LIMIT_WAIT";
  declare readonly waitMs: number;
  /** Epoch ms of the reset. */
  declare readonly resetAt: number;

  constructor(what: string, waitMs: number, resetAt: number, maxWaitMs: number) {
    super(
      `${what} would wait ${Math.ceil(waitMs / 1000)} s for the hourly rate limit to reset at ${new Date(resetAt).toISOString()}, more than maxRateLimitWaitMs (${maxWaitMs} ms)`,
    );
    this.waitMs = waitMs;
    this.resetAt = resetAt;
  }
}

/**
 * The exchange with a server failed below the API's own answers, after the retries allowed. Its
 * subclasses say how: `ConnectionError` (no connection, or it dropped), `RequestTimeoutError` (no answer
 * or no bytes in time) and `ProtocolError` (an answer that breaks the contract). `cause` is the lower
 * layer's error with URLs' userinfo and queries removed.
 */
export class TransportError extends JobsError {
  override name = "TransportError";
  override readonly code: string = "IMPACTKIT_TRANSPORT";
  /** The lower layer's code, when it gave one: `ECONNREFUSED`, `CERT_HAS_EXPIRED`, `UND_ERR_CONNECT_TIMEOUT`… */
  declare readonly causeCode: string | undefined;
  /** What failed and why, without the call it happened in: `cannot reach api.impact.com: …`. */
  declare readonly detail: string;

  constructor(what: string, cause: unknown, detail?: string, causeCode?: string) {
    const safe = safeCause(cause);
    const said = detail ?? (safe instanceof Error ? causeText(safe) : String(safe));
    super(`${what} failed: ${said}`, { cause: safe });
    this.causeCode = causeCode;
    this.detail = said;
  }
}

/** The connection could not be made, or broke. */
export class ConnectionError extends TransportError {
  override name = "ConnectionError";
  override readonly code: string = "IMPACTKIT_CONNECTION";
}

/** No response, or no bytes of a body, within the time allowed (`requestTimeoutMs`, `idleTimeoutMs`). */
export class RequestTimeoutError extends ConnectionError {
  override name = "RequestTimeoutError";
  override readonly code: string = "IMPACTKIT_REQUEST_TIMEOUT";
}

/**
 * An answer that breaks the contract: a body of the wrong shape, a redirect where the API has none, a
 * storage URL that is not https. Not retried when retrying cannot help (a refused redirect).
 */
export class ProtocolError extends TransportError {
  override name = "ProtocolError";
  override readonly code: string = "IMPACTKIT_PROTOCOL";
}

/**
 * A failure's message with what lies under fetch's bare "fetch failed": the cause's code
 * (`fetch failed (ECONNREFUSED)`), else the cause's own message (`fetch failed: bad port`).
 */
export function causeText(error: Error): string {
  const inner = error.cause as { code?: unknown; message?: unknown } | undefined;
  const code = (error as { code?: unknown }).code ?? inner?.code;
  if (typeof code === "string") return error.message.includes(code) ? error.message : `${error.message} (${code})`;
  return typeof inner?.message === "string" && inner.message !== "" && !error.message.includes(inner.message)
    ? `${error.message}: ${inner.message}`
    : error.message;
}

/** An export was refused: the agency API answers HTTP 200 with `{"Status":"ERROR","Message":…}`. */
export class ExportRefusedError extends JobsError {
  override name = "ExportRefusedError";
  override readonly code: string = "IMPACTKIT_EXPORT_REFUSED";
  declare readonly apiMessage: string | undefined;

  constructor(what: string, apiMessage: string | undefined) {
    const message = apiMessage === undefined ? undefined : redact(apiMessage);
    super(`${what} was refused${message ? `: ${message}` : ""}`);
    this.apiMessage = message;
  }
}

/**
 * An export over the account's daily quota of its kind — 100 ReportExport and 10 ClickExport jobs a day for
 * partner and brand (https://integrations.impact.com/partner-api-reference/readme/rate-limits,
 * https://integrations.impact.com/impact-brand/reference/rate-limits) — refused before any request, or
 * answered 429 with a reset beyond the hourly window. Nothing is retried: a slot frees at `renewsAt`.
 */
export class ExportQuotaError extends JobsError {
  override name = "ExportQuotaError";
  override readonly code: string = "IMPACTKIT_EXPORT_QUOTA";
  declare readonly kind: "ReportExport" | "ClickExport";
  /** The exports of `kind` an account may schedule a day. */
  declare readonly limit: number;
  /** Epoch ms when the next export of `kind` may be scheduled. */
  declare readonly renewsAt: number;

  constructor(kind: "ReportExport" | "ClickExport", limit: number, renewsAt: number) {
    super(`the account's daily ${kind} quota (${limit} a day) is spent; it renews at ${new Date(renewsAt).toISOString()}`);
    this.kind = kind;
    this.limit = limit;
    this.renewsAt = renewsAt;
  }
}

/**
 * A download could not complete: truncated or refused more times than allowed, the result is gone or
 * changed under a stream, or the file could not be written (`causeCode` is then the system's, e.g. `ENOSPC`).
 */
export class DownloadError extends JobsError {
  override name = "DownloadError";
  override readonly code: string = "IMPACTKIT_DOWNLOAD";
  /** The system's code when the file could not be written, e.g. `ENOSPC`. */
  declare readonly causeCode: string | undefined;

  constructor(message: string, options?: { cause?: unknown; causeCode?: string | undefined }) {
    super(redact(message), options?.cause === undefined ? undefined : { cause: safeCause(options.cause) });
    this.causeCode = options?.causeCode;
  }
}
