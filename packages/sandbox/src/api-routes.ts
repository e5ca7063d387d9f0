import type { ApiRoute } from "./fault-routes.js";
import type { SandboxFlavor } from "./flavors.js";
import { isTerminal, jobState, requestKey, type ResultFormat, type SandboxJob } from "./job-store.js";
import { errorReply, exportRefusal, type FieldError, type Reply } from "./reply.js";
import { createJob, type SandboxState } from "./sandbox-state.js";
import { DEFAULT_REPORTS, reportList, reportMetadata, UI_ONLY_REPORT } from "./report-catalogue.js";
import { toWireJob } from "./wire-job.js";

export interface RouteContext {
  state: SandboxState;
  flavor: SandboxFlavor;
  accountSid: string;
  url: URL;
  /** Path segments after `/{Accounts}/{AccountSID}`, without a `.json` suffix. */
  rest: string[];
}

export interface MatchedRoute {
  route: ApiRoute;
  jobId?: string;
  handle: (context: RouteContext) => Reply;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** An RFC 3339 date-time (https://www.rfc-editor.org/rfc/rfc3339#section-5.6), as a `format: date-time` parameter takes. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/** How an export route refuses a request: the error envelope, or the flavor's own way (`exportRefusal`). */
type Refuse = (status: number, message: string, errors?: FieldError[]) => Reply;

function ownJob(context: RouteContext, id: string): SandboxJob | undefined {
  const job = UUID.test(id) ? context.state.jobs.get(id.toLowerCase()) : undefined;
  return job && job.accountSid === context.accountSid && job.flavor === context.flavor.id ? job : undefined;
}

const notFound = (): Reply => errorReply(404, "Job not found. Verify the JobId belongs to a job created by this account.");

/** Jobs per page of the list when `PageSize` is not given (https://integrations.impact.com/impact-brand/reference/pagination). */
export const LIST_PAGE_SIZE = 1_000;

/** A `Page` / `PageSize` query value: absent, or a whole number of 1 or more. */
function pageNumber(context: RouteContext, name: "Page" | "PageSize", fallback: number): number | undefined {
  const value = context.url.searchParams.get(name);
  if (value === null) return fallback;
  return /^[1-9]\d{0,8}$/.test(value) ? Number(value) : undefined;
}

/**
 * `GET /Jobs`, paged as list endpoints are (https://integrations.impact.com/impact-brand/reference/pagination):
 * `Page` (1-based) and `PageSize` (default 1,000); partner and brand answer `{Jobs}` beside the paging
 * fields, every one a string; agency answers the page as a bare array
 * (https://integrations.impact.com/agency-v3/reference/jobs-management/jobs), so a short page is its last.
 */
function listJobs(context: RouteContext): Reply {
  const after = context.url.searchParams.get("CreatedAfter");
  const before = context.url.searchParams.get("CreatedBefore");
  const pattern = context.flavor.traits.listDateFormat === "date-time" ? DATE_TIME : DATE;
  const page = pageNumber(context, "Page", 1);
  const requestedSize = pageNumber(context, "PageSize", LIST_PAGE_SIZE);
  const errors = [
    ...(after !== null && !pattern.test(after) ? [{ Field: "CreatedAfter", Message: "Not a valid date" }] : []),
    ...(before !== null && !pattern.test(before) ? [{ Field: "CreatedBefore", Message: "Not a valid date" }] : []),
    ...(page === undefined ? [{ Field: "Page", Message: "Must be a whole number of 1 or more" }] : []),
    ...(requestedSize === undefined ? [{ Field: "PageSize", Message: "Must be a whole number of 1 or more" }] : []),
  ];
  if (errors.length > 0 || page === undefined || requestedSize === undefined) return errorReply(400, "Validation Failed", errors);
  const pageSize = Math.min(requestedSize, context.state.maxListPageSize);
  // Both ends are inclusive: instants where the list takes date-times, whole UTC days where it takes dates.
  const inRange =
    context.flavor.traits.listDateFormat === "date-time"
      ? (createdAt: number) => (after === null || createdAt >= Date.parse(after)) && (before === null || createdAt <= Date.parse(before))
      : (createdAt: number) => {
          const day = new Date(createdAt).toISOString().slice(0, 10);
          return (after === null || day >= after) && (before === null || day <= before);
        };
  const now = context.state.clock.now();
  const matching = context.state.jobs
    .all()
    .filter((job) => job.accountSid === context.accountSid && job.flavor === context.flavor.id && inRange(job.createdAt));
  const start = (page - 1) * pageSize;
  const jobs = matching.slice(start, start + pageSize).map((job) => toWireJob(context.flavor, job, now));
  if (context.flavor.traits.listShape === "array") return { status: 200, json: jobs };
  const pages = Math.max(1, Math.ceil(matching.length / pageSize));
  const uri = (number: number) => {
    const query = new URLSearchParams(context.url.searchParams);
    query.set("Page", String(number));
    query.set("PageSize", String(pageSize));
    return `${context.url.pathname}?${query}`;
  };
  return {
    status: 200,
    json: {
      "@page": String(page),
      "@numpages": String(pages),
      "@pagesize": String(pageSize),
      "@total": String(matching.length),
      "@start": String(jobs.length > 0 ? start + 1 : 0),
      "@end": String(start + jobs.length),
      "@uri": uri(page),
      "@firstpageuri": uri(1),
      "@previouspageuri": page > 1 ? uri(page - 1) : "",
      "@nextpageuri": page < pages ? uri(page + 1) : "",
      "@lastpageuri": uri(pages),
      Jobs: jobs,
    },
  };
}

function getJob(context: RouteContext, id: string): Reply {
  const job = ownJob(context, id);
  return job ? { status: 200, json: toWireJob(context.flavor, job, context.state.clock.now()) } : notFound();
}

function downloadJob(context: RouteContext, id: string): Reply {
  const job = ownJob(context, id);
  if (!job) return notFound();
  const { state } = context;
  const now = state.clock.now();
  const current = jobState(job, now);
  if (!isTerminal(current)) return { status: 202, json: toWireJob(context.flavor, job, now) };
  if (current.status !== "COMPLETED") return errorReply(404, `The job has no result: it is ${current.status}.`);
  if (context.url.searchParams.get("Mode") === "Stream") {
    const { file } = state.results.current(job, now);
    return { status: 200, raw: { stream: () => file.stream(), length: file.size, contentType: file.contentType } };
  }
  return { status: 302, headers: { Location: state.signer.sign(state.storageOrigin, job.id, now + state.signedUrlTtlMs) } };
}

function replayJob(context: RouteContext, id: string): Reply {
  const job = ownJob(context, id);
  if (!job) return notFound();
  const { state } = context;
  if (!isTerminal(jobState(job, state.clock.now()))) return errorReply(403, "The job is not in a replayable state: it is still QUEUED or RUNNING.");
  if (!job.plan.replayable) return errorReply(403, "The job is not of a replayable type.");
  const replay = createJob(state, { ...job, flavor: context.flavor, replayOf: job.id });
  state.jobs.add(replay);
  return { status: 200, json: toWireJob(context.flavor, replay, state.clock.now()) };
}

function queryOf(url: URL): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    params[key] = values.length === 1 ? values[0]! : values;
  }
  return params;
}

/**
 * Schedules an export, or returns the job of an identical earlier request. Only an export that creates a job
 * counts against the account's daily quota of its kind; one over it is a 429 (`DailyExportQuota`).
 */
function scheduleExport(context: RouteContext, type: SandboxJob["type"], source: string, programId: string, refuse: Refuse): Reply {
  const { state, flavor } = context;
  const params = queryOf(context.url);
  const format = (params["ResultFormat"] ?? "CSV") as ResultFormat;
  if (!["CSV", "JSON", "XML"].includes(format as string))
    return refuse(400, "Validation Failed", [{ Field: "ResultFormat", Message: "Must be one of CSV, JSON, XML" }]);
  const key = requestKey(flavor.id, context.accountSid, source, params);
  const kind = type === "ClickExport" ? "ClickExport" : "ReportExport";
  const existing = state.jobs.byRequest(key);
  const spent = existing ? undefined : state.quota.take(flavor, context.accountSid, kind, state.clock.now());
  if (spent)
    return { ...errorReply(429, `Daily ${kind} limit exceeded: this account may schedule ${spent.limit} ${kind} jobs a day.`), headers: spent.headers };
  const job = existing ?? createJob(state, { flavor, accountSid: context.accountSid, type, source, programId, params, resultFormat: format });
  state.jobs.add(job, key);
  const base = `/${flavor.segment}/${context.accountSid}/Jobs/${job.id}`;
  return { status: 200, json: { Status: "QUEUED", QueuedUri: base, ResultUri: `${base}/Download`, ReplayUri: `${base}/Replay` } };
}

function exportReport(context: RouteContext, reportId: string): Reply {
  const { flavor, state, url } = context;
  const refuse: Refuse = (status, message, errors) => exportRefusal(flavor.traits.refusalsAs200, status, message, errors);
  if (state.reports && !state.reports.has(reportId)) {
    return refuse(404, `No report exists with the Id ${reportId}, or the report is not API accessible.`);
  }
  const missing = flavor.traits.requiredReportParams.filter((name) => !url.searchParams.get(name));
  const badDates = ["START_DATE", "END_DATE"].filter((name) => url.searchParams.has(name) && !DATE.test(url.searchParams.get(name)!));
  const errors = [...missing.map((Field) => ({ Field, Message: "Required" })), ...badDates.map((Field) => ({ Field, Message: "Must be a date, YYYY-MM-DD" }))];
  if (errors.length > 0) return refuse(400, "Validation Failed", errors);
  return scheduleExport(context, "ApiReport", reportId, url.searchParams.get("SUBAID") ?? "0", refuse);
}

function exportClicks(context: RouteContext, programId: string | undefined): Reply {
  const { url, flavor } = context;
  const date = url.searchParams.get("Date");
  if (date !== null && !DATE.test(date)) return errorReply(400, "Validation Failed", [{ Field: "Date", Message: "Must be a date, yyyy-MM-dd" }]);
  const earliest = flavor.traits.earliestClickDate;
  if (earliest !== null && date !== null && date < earliest)
    return errorReply(400, "Validation Failed", [{ Field: "Date", Message: `Only dates from ${earliest} are supported` }]);
  const program = programId ?? url.searchParams.getAll("ProgramId")[0] ?? "0";
  return scheduleExport(context, "ClickExport", "clicks", program, errorReply);
}

/**
 * `GET /Reports`, for the flavors that document report discovery (https://integrations.impact.com/partner-api-reference/reference/reports):
 * the sandbox's reports, or the default ones when it takes any id, in the body the flavor's docs show.
 */
function listReports(context: RouteContext): Reply {
  const reports = reportList(context.flavor, context.accountSid, context.state.reports ? [...context.state.reports] : DEFAULT_REPORTS);
  return { status: 200, json: context.flavor.traits.reportDiscovery?.listShape === "array" ? reports : { Reports: reports } };
}

/** `GET /Reports/{Id}/MetaData` (`{ReportId}` of agency and brand): the report's filters and columns; 404 for a report the account cannot run through the API. */
function describeReport(context: RouteContext, reportId: string): Reply {
  const { reports } = context.state;
  if (reports ? !reports.has(reportId) : reportId === UI_ONLY_REPORT) return errorReply(404, "No report exists with the supplied Id.");
  return { status: 200, json: reportMetadata(context.flavor, context.accountSid, reportId) };
}

/** Matches a method and path (after the account prefix) to a route, or says why not. */
export function matchRoute(flavor: SandboxFlavor, method: string, rest: string[]): MatchedRoute | { error: Reply } {
  const [first, second, third, fourth] = rest;
  const candidates: Array<{ method: string; test: boolean; route: MatchedRoute }> = [
    { method: "GET", test: rest.length === 1 && first === "Jobs", route: { route: "listJobs", handle: listJobs } },
    { method: "GET", test: rest.length === 2 && first === "Jobs", route: { route: "getJob", jobId: second!, handle: (context) => getJob(context, second!) } },
    {
      method: "GET",
      test: rest.length === 3 && first === "Jobs" && third === "Download",
      route: { route: "downloadJob", jobId: second!, handle: (context) => downloadJob(context, second!) },
    },
    {
      method: "PUT",
      test: rest.length === 3 && first === "Jobs" && third === "Replay",
      route: { route: "replayJob", jobId: second!, handle: (context) => replayJob(context, second!) },
    },
    {
      method: "GET",
      test: rest.length === 2 && first === "ReportExport",
      route: { route: "exportReport", handle: (context) => exportReport(context, second!) },
    },
    {
      method: "GET",
      test: flavor.traits.reportDiscovery !== null && rest.length === 1 && first === "Reports",
      route: { route: "listReports", handle: listReports },
    },
    {
      method: "GET",
      test: flavor.traits.reportDiscovery !== null && rest.length === 3 && first === "Reports" && third === "MetaData",
      route: { route: "reportMetadata", handle: (context) => describeReport(context, second!) },
    },
    {
      method: "GET",
      test: flavor.traits.clickExport === "account" && rest.length === 1 && first === "ClickExport",
      route: { route: "exportClicks", handle: (context) => exportClicks(context, undefined) },
    },
    {
      method: "GET",
      test: flavor.traits.clickExport === "program" && rest.length === 3 && first === "Programs" && third === "ClickExport" && fourth === undefined,
      route: { route: "exportClicks", handle: (context) => exportClicks(context, second!) },
    },
  ];
  const onPath = candidates.filter((candidate) => candidate.test);
  const match = onPath.find((candidate) => candidate.method === method);
  if (match) return match.route;
  if (onPath.length > 0)
    return {
      error: { ...errorReply(405, `Method ${method} is not allowed here.`), headers: { Allow: onPath.map((candidate) => candidate.method).join(", ") } },
    };
  return { error: errorReply(404, "The requested resource does not exist.") };
}
