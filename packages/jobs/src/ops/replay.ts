import type { JobsContext } from "../impact/context.js";
import { ApiError, JobNotReplayableError } from "../base/errors.js";
import { normaliseJob, type Job } from "../base/job.js";
import { validateJobId } from "../base/job-id.js";
import { callApi } from "../http/call.js";

/**
 * `PUT /Jobs/{JobId}/Replay` (no body): runs a terminal job again with the same parameters and returns
 * the replayed job (https://integrations.impact.com/impact-brand/reference/replay-a-job). A Replay creates
 * a job, so it is retried only after 429 or 503. A job not in a replayable state (403 whose Message says so)
 * rejects with a `JobNotReplayableError`.
 */
export async function replayJob(context: JobsContext, id: string, signal?: AbortSignal): Promise<Job> {
  const jobId = validateJobId(id);
  const what = `PUT /Jobs/${jobId}/Replay`;
  const { body } = await callApi(
    context.call,
    what,
    (s) => context.client.PUT("/Jobs/{JobId}/Replay", { params: { path: { JobId: jobId } }, parseAs: "text", signal: s }),
    signal,
    { mode: "unsafe", template: "PUT /Jobs/{JobId}/Replay", read: normaliseJob },
  ).catch((error: unknown) => {
    // A 403 for a token without the endpoint says nothing of replaying; one for the job says so in its Message.
    if (error instanceof ApiError && error.status === 403 && /replay/i.test(error.apiMessage ?? "")) {
      throw new JobNotReplayableError(what, 403, { Message: error.apiMessage, Errors: error.errors }, { headers: error.headers, requestId: error.requestId });
    }
    throw error;
  });
  context.ages.created(body.Id, context.call.timing.now());
  return body;
}
