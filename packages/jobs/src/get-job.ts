import type { JobsContext } from "./context.js";
import { TransportError } from "./errors.js";
import { normaliseJob, type Job } from "./job.js";
import { validateJobId } from "./job-id.js";
import { callApi } from "./transport.js";

/** The body as a Job, or a TransportError naming what it was instead. */
export function jobFrom(what: string, body: unknown): Job {
  try {
    return normaliseJob(body);
  } catch (error) {
    throw new TransportError(what, error);
  }
}

/** `GET /Jobs/{JobId}`, normalised. */
export async function getJob(context: JobsContext, id: string, signal?: AbortSignal): Promise<Job> {
  const jobId = validateJobId(id);
  const what = `GET /Jobs/${jobId}`;
  const { body } = await callApi(context.call, what, (s) => context.client.GET("/Jobs/{JobId}", { params: { path: { JobId: jobId } }, parseAs: "text", signal: s }), signal);
  return jobFrom(what, body);
}
