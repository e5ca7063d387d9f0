import type { JobsContext } from "../impact/context.js";
import { listFilter, toApiRange } from "../impact/dates.js";
import { ProtocolError } from "../base/errors.js";
import { normaliseJob, type Job } from "../base/job.js";
import { callApi } from "../http/call.js";
import { LIST_PAGE_SIZE } from "../impact/limits.js";

/**
 * Which jobs `list()` returns: the account's jobs created within a range of days, from every page of `GET /Jobs`
 * (https://integrations.impact.com/partner-api-reference/reference/jobs-management/jobs).
 */
export interface ListOptions {
  /** Jobs created on or after this day (`Date` or `YYYY-MM-DD`). */
  createdAfter?: Date | string;
  /** Jobs created on or before this day. */
  createdBefore?: Date | string;
  signal?: AbortSignal;
}

/** More pages than this is a server that never says it is done. */
const MAX_PAGES = 1_000;

/** One page of the list: its entries, and whether another follows. */
interface JobPage<T> {
  jobs: T[];
  more: boolean;
}

/** A paging field (a string in the docs; a number accepted) as a whole number, or undefined. */
function pageField(value: unknown): number | undefined {
  const number = typeof value === "string" && value.trim() !== "" ? Number(value) : typeof value === "number" ? value : Number.NaN;
  return Number.isInteger(number) ? number : undefined;
}

/**
 * A list body as a page: a bare array (agency; another page follows a full one), or `{"Jobs": […]}` beside
 * the paging fields of list endpoints — `@page`, `@numpages`, `@nextpageuri`, strings — (partner, brand);
 * every entry a Job. Anything else is malformed.
 */
function jobPage<T>(body: unknown, page: number, read: (entry: unknown) => T): JobPage<T> {
  if (Array.isArray(body)) return { jobs: body.map(read), more: body.length >= LIST_PAGE_SIZE };
  const envelope = body !== null && typeof body === "object" ? (body as Record<string, unknown>) : undefined;
  if (!envelope || !Array.isArray(envelope.Jobs)) throw new TypeError(`expected {"Jobs": [...]} or an array, got ${JSON.stringify(body)?.slice(0, 120)}`);
  const pages = pageField(envelope["@numpages"]);
  const next = envelope["@nextpageuri"];
  const more = (typeof next === "string" && next.trim() !== "") || (pages !== undefined && page < pages);
  return { jobs: envelope.Jobs.map(read), more: more && envelope.Jobs.length > 0 };
}

/**
 * `GET /Jobs`, every page: the docs show `{"Jobs": […]}` for partner and brand and a bare array for agency
 * (https://integrations.impact.com/partner-api-reference/reference/jobs-management/jobs,
 * https://integrations.impact.com/agency-v3/reference/jobs-management/jobs), and do not say whether the list is paged; pages are asked for with `Page` and
 * `PageSize` as on every list endpoint and followed while the answer says more follow.
 */
export function listJobs(context: JobsContext, options: ListOptions = {}): Promise<Job[]> {
  return listEntries(context, options, (entry) => normaliseJob(context.drift.check("GET /Jobs", entry)));
}

/** Every page of `GET /Jobs`, each entry as `read` makes it (the observer keeps them raw, reading only those it is asked for). */
export async function listEntries<T>(context: JobsContext, options: ListOptions, read: (entry: unknown) => T): Promise<T[]> {
  const filter = listFilter(toApiRange(options.createdAfter, options.createdBefore), context.client.spec.traits.listDateFormat);
  const jobs: T[] = [];
  for (let page = 1; ; page += 1) {
    const what = page === 1 ? "GET /Jobs" : `GET /Jobs (page ${page})`;
    const query = { ...filter, PageSize: LIST_PAGE_SIZE, ...(page > 1 ? { Page: page } : {}) };
    const { body } = await callApi(
      context.call,
      what,
      (signal) => context.client.GET("/Jobs", { params: { query }, parseAs: "text", signal }),
      options.signal,
      { template: "GET /Jobs", read: (body) => jobPage(body, page, read) },
    );
    jobs.push(...body.jobs);
    if (!body.more) return jobs;
    if (page >= MAX_PAGES) throw new ProtocolError(what, undefined, `the list still had more pages after ${MAX_PAGES}`);
  }
}
