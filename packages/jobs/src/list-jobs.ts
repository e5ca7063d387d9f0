import type { JobsContext } from "./context.js";
import { toApiRange } from "./dates.js";
import { normaliseJob, type Job } from "./job.js";
import { callApi } from "./transport.js";

export interface ListOptions {
  /** Jobs created on or after this day (`Date` or `YYYY-MM-DD`). */
  createdAfter?: Date | string;
  /** Jobs created on or before this day. */
  createdBefore?: Date | string;
  signal?: AbortSignal;
}

/** A list body as Jobs: `{"Jobs": […]}` or a bare array, every entry a Job; anything else is malformed. */
function jobList(body: unknown): Job[] {
  const list = Array.isArray(body) ? body : body !== null && typeof body === "object" ? (body as { Jobs?: unknown }).Jobs : undefined;
  if (!Array.isArray(list)) throw new TypeError(`expected {"Jobs": [...]} or an array, got ${JSON.stringify(body)?.slice(0, 120)}`);
  return list.map(normaliseJob);
}

/**
 * `GET /Jobs`: the docs show `{"Jobs": […]}` for partner and brand and a bare array for agency
 * (impact-api.md §1.3); both are accepted, as are paging keys beside `Jobs`.
 */
export async function listJobs(context: JobsContext, options: ListOptions = {}): Promise<Job[]> {
  const range = toApiRange(options.createdAfter, options.createdBefore);
  const query = { ...(range.after ? { CreatedAfter: range.after } : {}), ...(range.before ? { CreatedBefore: range.before } : {}) };
  const what = "GET /Jobs";
  const { body } = await callApi(context.call, what, (signal) => context.client.GET("/Jobs", { params: { query }, parseAs: "text", signal }), options.signal, { read: jobList });
  return body;
}
