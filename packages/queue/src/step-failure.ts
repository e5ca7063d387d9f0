import { ApiError, ExportRefusedError, InvalidArgumentError, JobFailedError } from "@impactkit/jobs";
import { UnrecoverableError } from "bullmq";

/**
 * Whether a step's failure would come back the same on every attempt: a 4xx other than 408 (Request Timeout)
 * and 429 (Too Many Requests), which say to try again later (RFC 9110 §15.5, RFC 6585 §4); an export the API
 * refused (the agency's HTTP 200 with `Status: "ERROR"`); a request that is not valid; a job that failed.
 * Network errors, 5xx and malformed answers are transient: retried with backoff.
 */
export function isPermanent(error: unknown): boolean {
  if (error instanceof ApiError) return error.status >= 400 && error.status < 500 && error.status !== 408 && error.status !== 429;
  return error instanceof ExportRefusedError || error instanceof InvalidArgumentError || error instanceof JobFailedError;
}

/**
 * The error a step ends with: a permanent failure becomes BullMQ's `UnrecoverableError`
 * (https://docs.bullmq.io/guide/retrying-failing-jobs#stop-retrying-jobs), which fails the pipeline at once
 * with that reason; anything else is left for BullMQ to retry.
 */
export function stepFailure(error: unknown): unknown {
  if (error instanceof UnrecoverableError || !isPermanent(error)) return error;
  const permanent = new UnrecoverableError((error as Error).message);
  permanent.cause = error;
  return permanent;
}
