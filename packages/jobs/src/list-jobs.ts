import type { JobsContext } from "./context.js";
import { toApiRange } from "./dates.js";
import { TransportError } from "./errors.js";
import type { Job } from "./job.js";
import { jobFrom } from "./get-job.js";
import { callApi } from "./transport.js";

export interface ListOptions {
  /** Jobs created on or after this day (`Date` or `YYYY-MM-DD`). */
  createdAfter?: Date | string;
  /** Jobs created on or before this day. */
  createdBefore?: Date | string;
  signal?: AbortSignal;
}

/**
 * `GET /Jobs`: the docs show `{"Jobs": […]}` for partner and brand and a bare array for agency
 * (impact-api.md §1.3); both are accepted, as are paging keys beside `Jobs`.
 */
export async function listJobs(context: JobsContext, options: ListOptions = {}): Promise<Job[]> {
  const range = toApiRange(options.createdAfter, options.createdBefore);
  const query = { ...(range.after ? { CreatedAfter: range.after } : {}), ...(range.before ? { CreatedBefore: range.before } : {}) };
  const what = "GET /Jobs";
  const { body } = await callApi(context.call, what, (signal) => context.client.GET("/Jobs", { params: { query }, parseAs: "text", signal }), options.signal);
  const list = Array.isArray(body) ? body : (body as { Jobs?: unknown } | undefined)?.Jobs;
  if (!Array.isArray(list)) throw new TransportError(what, new TypeError(`expected {"Jobs": [...]} or an array, got ${JSON.stringify(body)?.slice(0, 120)}`));
  return list.map((job) => jobFrom(what, job));
}
