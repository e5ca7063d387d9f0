import type { JobsContext } from "./context.js";
import { normaliseJob, type Job } from "./job.js";
import { validateJobId } from "./job-id.js";
import { callApi } from "./transport.js";

/**
 * `PUT /Jobs/{JobId}/Replay` (no body): runs a terminal job again with the same parameters and returns
 * the replayed job (https://integrations.impact.com/impact-brand/reference/replay-a-job). A Replay creates
 * a job, so it is retried only after 429 or 503.
 */
export async function replayJob(context: JobsContext, id: string, signal?: AbortSignal): Promise<Job> {
  const jobId = validateJobId(id);
  const what = `PUT /Jobs/${jobId}/Replay`;
  const { body } = await callApi(context.call, what, (s) => context.client.PUT("/Jobs/{JobId}/Replay", { params: { path: { JobId: jobId } }, parseAs: "text", signal: s }), signal, { mode: "unsafe", read: normaliseJob });
  context.ages.created(body.Id, context.call.timing.now());
  return body;
}
