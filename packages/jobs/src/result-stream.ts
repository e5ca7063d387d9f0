import type { JobsContext } from "./context.js";
import { DownloadError, JobAbortedError } from "./errors.js";
import { validateJobId } from "./job-id.js";
import { callApi, discard, retryBackoff } from "./transport.js";
import { sleep } from "./timing.js";
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

interface Source {
  response: Response;
  /** Whether it came from a signed URL (a 403 there means: get a fresh URL). */
  signed: boolean;
}

/** `GET …/Download` until it gives the result: 202 waits for the job, 302 is followed by hand, 200 is the bytes. */
async function open(context: JobsContext, jobId: string, options: ResultOptions, offset: number): Promise<Source> {
  const what = `GET /Jobs/${jobId}/Download`;
  for (;;) {
    const { response } = await callApi(
      context.call,
      what,
      (signal) =>
        context.client.GET("/Jobs/{JobId}/Download", {
          params: { path: { JobId: jobId }, query: options.mode === "stream" ? { Mode: "Stream" } : {} },
          parseAs: "stream",
          redirect: "manual",
          signal,
        }),
      options.signal,
    );
    if (response.status === 202) {
      await discard(response);
      await waitForJob(context, jobId, { ...options.wait, ...(options.signal ? { signal: options.signal } : {}) });
      continue;
    }
    const location = response.headers.get("location");
    if (response.status >= 300 && response.status < 400 && location) {
      await discard(response);
      const storage = await context.storageFetch(new URL(location, context.client.accountUrl), {
        headers: offset > 0 ? { Range: `bytes=${offset}-` } : {},
        redirect: "follow",
        ...(options.signal ? { signal: options.signal } : {}),
      });
      return { response: storage, signed: true };
    }
    if (response.status === 200 && response.body) return { response, signed: false };
    await discard(response);
    throw new DownloadError(`${what} answered HTTP ${response.status} without a result`);
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
  const { timing } = context.call;
  return (async function* () {
    let delivered = 0;
    let total: number | undefined;
    let failures = 0;
    const fail = async (reason: string): Promise<void> => {
      failures += 1;
      if (failures > maxAttempts) throw new DownloadError(`Downloading job ${jobId} failed ${failures} times; last: ${reason}`);
      await sleep(timing, retryBackoff(failures - 1, () => timing.random()), options.signal).catch(() => {
        throw new JobAbortedError(`Downloading job ${jobId}`, options.signal?.reason);
      });
    };
    for (;;) {
      let source: Source;
      try {
        source = await open(context, jobId, options, delivered);
      } catch (error) {
        if (options.signal?.aborted) throw new JobAbortedError(`Downloading job ${jobId}`, options.signal.reason);
        if (error instanceof TypeError) {
          await fail(`storage unreachable: ${error.message}`);
          continue;
        }
        throw error;
      }
      const { response } = source;
      if (!response.ok || !response.body) {
        await discard(response);
        const retryable = (source.signed && response.status === 403) || response.status === 429 || response.status >= 500;
        if (!retryable) throw new DownloadError(`Downloading job ${jobId}: the ${source.signed ? "storage URL" : "API"} answered HTTP ${response.status}`);
        await fail(`HTTP ${response.status}${source.signed && response.status === 403 ? " (signed URL expired or refused)" : ""}`);
        continue;
      }
      let skip = 0;
      if (delivered > 0 && !(response.status === 206 && rangeStart(response) === delivered)) skip = delivered;
      total ??= totalOf(response);
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          let part = chunk;
          if (skip > 0) {
            const dropped = Math.min(skip, part.length);
            skip -= dropped;
            part = part.subarray(dropped);
            if (part.length === 0) continue;
          }
          delivered += part.length;
          options.onProgress?.(delivered, total);
          yield part;
        }
      } catch (error) {
        if (options.signal?.aborted) throw new JobAbortedError(`Downloading job ${jobId}`, options.signal.reason);
        await fail(`transfer broke after ${delivered} bytes: ${(error as Error).message}`);
        continue;
      }
      if (total === undefined || delivered === total) return;
      if (delivered > total) throw new DownloadError(`Downloading job ${jobId}: received ${delivered} bytes, more than the ${total} announced`);
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
