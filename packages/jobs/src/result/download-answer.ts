import type { JobsContext } from "../impact/context.js";
import { pause } from "../base/abort.js";
import { DownloadError, JobTimeoutError } from "../base/errors.js";
import { retryDelay } from "../engine/retry.js";
import { discard } from "../http/attempt.js";
import { callApi } from "../http/call.js";
import { locationOf, storageUrl } from "../http/storage-url.js";
import { waitForJob } from "../ops/wait-job.js";
import type { ResultOptions } from "./options.js";

/**
 * What Download is asked for: the result in the format its export chose (`ResultFormat`: CSV, JSON or XML),
 * bytes of no declared type, or the Job while it runs (202) — not the client's `Accept: application/json`,
 * which a strict server answers with 406 for a CSV result (https://integrations.impact.com/impact-brand/reference/download-a-job).
 */
const DOWNLOAD_ACCEPT = "text/csv, application/json, application/xml, application/octet-stream, */*;q=0.1";

/**
 * `GET …/Download` until it gives the result: 202 waits for the job (one deadline for the whole call), a
 * redirect gives the signed storage URL (checked, not yet fetched), 200 is the bytes (`Mode=Stream`). A
 * 202 after the job says COMPLETED backs off before asking again. A body is still under `signal`.
 */
export async function downloadAnswer(
  context: JobsContext,
  jobId: string,
  options: ResultOptions,
  deadline: number,
  signal: AbortSignal,
): Promise<{ location: URL } | { response: Response }> {
  const what = `GET /Jobs/${jobId}/Download`;
  const { timing } = context.call;
  for (let early = 0; ; early += 1) {
    const { response } = await callApi(
      context.call,
      what,
      (callSignal) =>
        context.client.GET("/Jobs/{JobId}/Download", {
          params: { path: { JobId: jobId }, query: options.mode === "stream" ? { Mode: "Stream" } : {} },
          headers: { Accept: DOWNLOAD_ACCEPT },
          parseAs: "stream",
          signal: callSignal,
        }),
      signal,
      { redirects: "return", template: "GET /Jobs/{JobId}/Download" },
    );
    const { status } = response;
    if (status === 200 && response.body !== null) return { response };
    await discard(response);
    const location = locationOf(response);
    if (status >= 300 && status < 400 && location) return { location: storageUrl(what, location, context.client.accountUrl) };
    if (status !== 202) throw new DownloadError(`${what} answered HTTP ${status} without a result`);
    const timeoutMs = options.wait?.timeoutMs ?? context.timeoutMs;
    /** After a wait found the job COMPLETED, a 202 is the API's lag: said so when the deadline passes. */
    const lagging = (job?: unknown) => new JobTimeoutError(jobId, timeoutMs, job, "the job is COMPLETED but Download still answered 202");
    if (deadline - timing.now() <= 0) throw lagging();
    if (early > 0)
      await pause(
        timing,
        Math.min(
          retryDelay(early - 1, () => timing.random()),
          deadline - timing.now(),
        ),
        what,
        signal,
      );
    try {
      await waitForJob(context, jobId, { ...options.wait, signal, timeoutMs: Math.max(1, deadline - timing.now()) });
    } catch (error) {
      throw early > 0 && error instanceof JobTimeoutError ? lagging(error.job) : error;
    }
  }
}
