import type { Job } from "./job.js";

// The errors' fields are `declare`d and set in their constructors, so that no separate (undefined)
// class-field definition is emitted before the assignment.

/** The base of every error this package throws. Messages never contain credentials. */
export class JobsError extends Error {
  override name = "JobsError";
}

/** An argument was invalid; nothing was sent. */
export class InvalidArgumentError extends JobsError {
  override name = "InvalidArgumentError";
}

/** The job ended FAILED or CANCELLED, or is in ERROR and the wait was not told to wait through it. */
export class JobFailedError extends JobsError {
  override name = "JobFailedError";
  declare readonly job: Job;
  declare readonly status: string;
  declare readonly statusMessage: string | undefined;

  constructor(job: Job) {
    super(`Job ${job.Id} is ${job.Status}${job.StatusMessage ? `: ${job.StatusMessage}` : ""}`);
    this.job = job;
    this.status = job.Status;
    this.statusMessage = job.StatusMessage;
  }
}

/** The deadline passed before the job finished; `job` is the last state seen (a `Job` for impact.com jobs). */
export class JobTimeoutError extends JobsError {
  override name = "JobTimeoutError";
  declare readonly job: unknown;

  constructor(jobId: string, timeoutMs: number, job: unknown) {
    const status = (job as { Status?: unknown } | undefined)?.Status;
    super(`Job ${jobId} did not finish within ${timeoutMs} ms${typeof status === "string" ? ` (last status ${status})` : ""}`);
    this.job = job;
  }
}

/** The caller's AbortSignal fired. `name` is "AbortError", as for fetch. */
export class JobAbortedError extends JobsError {
  override name = "AbortError";
  declare readonly reason: unknown;

  constructor(what: string, reason: unknown) {
    super(`${what} was aborted`);
    this.reason = reason;
  }
}

/**
 * The API answered an error status (after the retries it allows). `message` carries the API's own
 * `Message` from the error envelope (https://integrations.impact.com/impact-brand/reference/errors).
 */
export class ApiError extends JobsError {
  override name = "ApiError";
  declare readonly status: number;
  declare readonly apiMessage: string | undefined;
  declare readonly errors: ReadonlyArray<{ Field?: string; Message?: string }> | undefined;

  constructor(what: string, status: number, body: unknown) {
    const envelope = (body ?? {}) as { Message?: unknown; Errors?: unknown };
    const apiMessage = typeof envelope.Message === "string" ? envelope.Message : undefined;
    const errors = Array.isArray(envelope.Errors) ? (envelope.Errors as Array<{ Field?: string; Message?: string }>) : undefined;
    const details = errors?.map((error) => `${error.Field ?? "?"}: ${error.Message ?? "?"}`).join("; ");
    super(`${what} failed with HTTP ${status}${apiMessage ? `: ${apiMessage}` : ""}${details ? ` (${details})` : ""}`);
    this.status = status;
    this.apiMessage = apiMessage;
    this.errors = errors;
  }
}

/** 429 after the retries allowed; `retryAfterMs` is the server's last hint. */
export class RateLimitError extends ApiError {
  override name = "RateLimitError";
  declare readonly retryAfterMs: number | undefined;

  constructor(what: string, body: unknown, retryAfterMs: number | undefined) {
    super(what, 429, body);
    this.retryAfterMs = retryAfterMs;
  }
}

/** The connection failed, or the body was not the JSON it claimed to be, after the retries allowed. */
export class TransportError extends JobsError {
  override name = "TransportError";

  constructor(what: string, cause: unknown) {
    super(`${what} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** An export was refused: the agency API answers HTTP 200 with `{"Status":"ERROR","Message":…}`. */
export class ExportRefusedError extends JobsError {
  override name = "ExportRefusedError";
  declare readonly apiMessage: string | undefined;

  constructor(what: string, apiMessage: string | undefined) {
    super(`${what} was refused${apiMessage ? `: ${apiMessage}` : ""}`);
    this.apiMessage = apiMessage;
  }
}

/** A download could not complete: truncated or refused more times than allowed, or the result is gone. */
export class DownloadError extends JobsError {
  override name = "DownloadError";
}
