import type { JobsContext } from "../impact/context.js";
import { normaliseJob, type Job } from "../base/job.js";
import { validateJobId } from "../base/job-id.js";
import { callApi } from "../http/call.js";

/** `GET /Jobs/{JobId}`, normalised; a 200 that is no Job (`null`, `[]`, `{}`, a string) is retried as malformed. */
export async function getJob(context: JobsContext, id: string, signal?: AbortSignal): Promise<Job> {
  const jobId = validateJobId(id);
  const what = `GET /Jobs/${jobId}`;
  const { body } = await callApi(
    context.call,
    what,
    (s) => context.client.GET("/Jobs/{JobId}", { params: { path: { JobId: jobId } }, parseAs: "text", signal: s }),
    signal,
    { template: "GET /Jobs/{JobId}", read: (body) => normaliseJob(context.drift.check(what, body)) },
  );
  return body;
}
