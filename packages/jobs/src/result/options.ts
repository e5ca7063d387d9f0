import type { WaitOptions } from "../ops/wait-job.js";

/**
 * How `stream()`, `records()` and `download()` fetch a finished job's result through `GET /Jobs/{JobId}/Download`
 * (https://integrations.impact.com/impact-brand/reference/download-a-job): through the signed storage URL of its
 * 302 or in the answer (`Mode=Stream`), how often a broken transfer is resumed, how to wait while the job runs,
 * and the progress callback.
 */
export interface ResultOptions {
  signal?: AbortSignal;
  /**
   * `"redirect"` (default): take the 302 to the signed storage URL and fetch it without any API
   * credential; `"stream"`: ask for the bytes in the response (`Mode=Stream`), for when redirects are not
   * an option (https://integrations.impact.com/impact-brand/reference/download-a-job).
   */
  mode?: "redirect" | "stream";
  /** How many times a truncated, refused or failed transfer is resumed (default 5). */
  maxAttempts?: number;
  /**
   * How to wait while Download answers 202 (the job is not finished). Its `timeoutMs` (default the
   * instance's) is one deadline for the whole call, however many 202s come.
   */
  wait?: WaitOptions;
  /** Bytes received so far and the total, when known. An exception it throws ends the transfer and reaches the caller. */
  onProgress?: (bytes: number, total: number | undefined) => void;
}
