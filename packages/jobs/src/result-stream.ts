import type { JobsContext } from "./context.js";
import { DownloadError, JobAbortedError } from "./errors.js";
import { validateJobId } from "./job-id.js";
import { attemptSignal, backOff, callApi, discard } from "./transport.js";
import { waitForJob, type WaitOptions } from "./wait-job.js";

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
  /** How to wait while Download answers 202 (the job is not finished). */
  wait?: WaitOptions;
  /** Bytes received so far and the total, when known. */
  onProgress?: (bytes: number, total: number | undefined) => void;
}

/**
 * `GET …/Download` until it gives the result: 202 waits for the job, 302 is followed by hand (the signed
 * storage URL's response is returned whatever its status), 200 is the bytes.
 */
async function open(context: JobsContext, jobId: string, options: ResultOptions, offset: number): Promise<Response> {
  const what = `GET /Jobs/${jobId}/Download`;
  const { signal } = options;
  for (;;) {
    const { response } = await callApi(
      context.call,
      what,
      (callSignal) =>
        context.client.GET("/Jobs/{JobId}/Download", {
          params: { path: { JobId: jobId }, query: options.mode === "stream" ? { Mode: "Stream" } : {} },
          parseAs: "stream",
          redirect: "manual",
          signal: callSignal,
        }),
      signal,
    );
    const { status } = response;
    const location = response.headers.get("location");
    if (status === 200 && response.body) return response;
    await discard(response);
    if (status === 202) await waitForJob(context, jobId, { ...options.wait, ...(signal ? { signal } : {}) });
    else if (status >= 300 && status < 400 && location) {
      const headers: Record<string, string> = offset > 0 ? { Range: `bytes=${offset}-` } : {};
      const attempt = attemptSignal(context.call.timing, context.call.requestTimeoutMs, signal);
      try {
        return await context.storageFetch(new URL(location, context.client.accountUrl), { headers, redirect: "follow", signal: attempt.signal });
      } finally {
        attempt.end();
      }
    } else throw new DownloadError(`${what} answered HTTP ${status} without a result`);
  }
}

function rangeStart(response: Response): number | undefined {
  const match = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(response.headers.get("content-range") ?? "");
  return match ? Number(match[1]) : undefined;
}

function totalOf(response: Response): number | undefined {
  const range = /\/(\d+)$/.exec(response.headers.get("content-range") ?? "");
  if (range) return Number(range[1]);
  const length = response.headers.get("content-length");
  return response.status === 200 && length !== null ? Number(length) : undefined;
}

/**
 * The result of a job as a stream that survives its transfer: a truncated body (fewer bytes than its
 * Content-Length), a dropped connection or an expired signed URL gets a fresh URL and resumes with
 * `Range` (RFC 9110 §14.2) where the byte position left off; when the server ignores the range, the
 * transfer restarts and the bytes already delivered are skipped. The consumer sees each byte once.
 */
export function resultChunks(context: JobsContext, id: string, options: ResultOptions = {}): AsyncGenerator<Uint8Array> {
  const jobId = validateJobId(id);
  const maxAttempts = options.maxAttempts ?? 5;
  const { signal } = options;
  const what = `Downloading job ${jobId}`;
  const aborted = () => new JobAbortedError(what, signal?.reason);
  return (async function* () {
    let delivered = 0;
    let total: number | undefined;
    let failures = 0;
    /** Counts a failed transfer and backs off before the next, or gives up. */
    const fail = async (reason: string): Promise<void> => {
      failures += 1;
      if (failures > maxAttempts) throw new DownloadError(`${what} failed ${failures} times; last: ${reason}`);
      await backOff(context.call.timing, failures - 1, what, signal);
    };
    for (;;) {
      let response: Response;
      try {
        response = await open(context, jobId, options, delivered);
      } catch (error) {
        if (signal?.aborted) throw aborted();
        // fetch rejects with a TypeError when storage cannot be reached, a TimeoutError when it does not answer.
        if (!(error instanceof TypeError) && (error as Error).name !== "TimeoutError") throw error;
        await fail(`storage unreachable: ${(error as Error).message}`);
        continue;
      }
      // Only the signed storage URL answers so: the API's errors are ApiErrors, and its 200 has a body.
      if (!response.ok || !response.body) {
        await discard(response);
        const expired = response.status === 403;
        if (!expired && response.status !== 429 && response.status < 500) throw new DownloadError(`${what}: the storage URL answered HTTP ${response.status}`);
        await fail(`HTTP ${response.status}${expired ? " (signed URL expired or refused)" : ""}`);
        continue;
      }
      let skip = response.status === 206 && rangeStart(response) === delivered ? 0 : delivered;
      total ??= totalOf(response);
      try {
        for await (let chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          if (skip > 0) {
            const dropped = Math.min(skip, chunk.length);
            skip -= dropped;
            chunk = chunk.subarray(dropped);
            if (chunk.length === 0) continue;
          }
          delivered += chunk.length;
          options.onProgress?.(delivered, total);
          yield chunk;
        }
      } catch (error) {
        if (signal?.aborted) throw aborted();
        await fail(`transfer broke after ${delivered} bytes: ${(error as Error).message}`);
        continue;
      }
      if (total === undefined || delivered === total) return;
      if (delivered > total) throw new DownloadError(`${what}: received ${delivered} bytes, more than the ${total} announced`);
      await fail(`truncated at ${delivered} of ${total} bytes`);
    }
  })();
}

/** `resultChunks` as a web `ReadableStream`; cancelling it stops the transfer. */
export function resultStream(context: JobsContext, id: string, options: ResultOptions = {}): ReadableStream<Uint8Array> {
  const chunks = resultChunks(context, id, options);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await chunks.next();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        controller.error(error);
      }
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}
