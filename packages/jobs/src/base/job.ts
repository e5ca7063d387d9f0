/** Job statuses the docs list (https://integrations.impact.com/impact-brand/reference/jobs-object). */
export type KnownJobStatus = "QUEUED" | "RUNNING" | "COMPLETED" | "CANCELLED" | "ERROR" | "FAILED";
/** Job types the docs list; "Additional job types may exist" (https://integrations.impact.com/agency-v3/reference/jobs-management/models). */
type KnownJobType = "DownloadReport" | "ApiReport" | "UploadAds" | "TermModification" | "ClickExport";

const STATUSES: readonly string[] = ["QUEUED", "RUNNING", "COMPLETED", "CANCELLED", "ERROR", "FAILED"];

/**
 * The statuses of a job that has not produced its result: FAILED and CANCELLED end it; ERROR is retried by
 * impact.com every 15 minutes, up to 5 times (https://integrations.impact.com/impact-brand/reference/jobs-object),
 * and fails a wait unless it is told to wait through it.
 */
export const FAILED_STATUSES: ReadonlySet<string> = new Set<KnownJobStatus>(["FAILED", "CANCELLED", "ERROR"]);

/**
 * A Job with wire quirks removed: numbers are numbers, `Replayable` is a boolean, dates are `Date`s or
 * `undefined` (never ""), `Status` and `Type` are the documented literals or the raw string. `raw` is
 * the body as received.
 */
export interface Job {
  Id: string;
  Status: KnownJobStatus | (string & {});
  Type: KnownJobType | (string & {}) | undefined;
  StatusMessage: string | undefined;
  ProgramId: string | undefined;
  CreatedBy: string | undefined;
  CreatedDate: Date | undefined;
  StartedDate: Date | undefined;
  CompletedDate: Date | undefined;
  AbandonedDate: Date | undefined;
  CancelledDate: Date | undefined;
  FailedDate: Date | undefined;
  LastProgressUpdateDate: Date | undefined;
  RecordsProcessed: number | undefined;
  PercentageComplete: number | undefined;
  Replayable: boolean | undefined;
  ResultUri: string | undefined;
  raw: Readonly<Record<string, unknown>>;
}

/**
 * A job as plain JSON, for output and tools: the Jobs API's field names, dates as ISO 8601, a field the body
 * left out as `null`, no `raw` body.
 */
export function jobJson(job: Job): Record<string, unknown> {
  const { raw: _raw, ...fields } = job;
  return Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, value instanceof Date ? value.toISOString() : (value ?? null)]));
}

export function isKnownStatus(status: string): status is KnownJobStatus {
  return STATUSES.includes(status);
}

const text = (value: unknown): string | undefined =>
  typeof value === "string" && value !== "" ? value : typeof value === "number" ? String(value) : undefined;

function count(value: unknown): number | undefined {
  const number = typeof value === "number" ? value : typeof value === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : Number.NaN;
  return Number.isFinite(number) ? number : undefined;
}

/** A percentage, clamped to 0–100 (a server's 150 or −5 is still progress, not a number to show). */
function percentage(value: unknown): number | undefined {
  const number = count(value);
  return number === undefined ? undefined : Math.min(100, Math.max(0, number));
}

function flag(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  const lower = typeof value === "string" ? value.trim().toLowerCase() : undefined;
  return lower === "true" ? true : lower === "false" ? false : undefined;
}

function date(value: unknown): Date | undefined {
  if (typeof value !== "string" || value.trim() === "") return undefined;
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? undefined : parsed;
}

/**
 * The fields of a Job body `normaliseJob` reads: every flavor's generated Job must have them all, or
 * `createJobs` refuses its client at compile time (`RequireJobsPaths`).
 */
export type JobWireField =
  | "Id"
  | "Status"
  | "Type"
  | "StatusMessage"
  | "ProgramId"
  | "CreatedBy"
  | "CreatedDate"
  | "StartedDate"
  | "CompletedDate"
  | "AbandonedDate"
  | "CancelledDate"
  | "FailedDate"
  | "LastProgressUpdateDate"
  | "RecordsProcessed"
  | "PercentageComplete"
  | "Replayable"
  | "ResultUri";

/** The fields after `Id` and `Status`, in order, each with how its wire value is read. */
const READS: Record<Exclude<JobWireField, "Id" | "Status">, (value: unknown) => unknown> = {
  Type: text,
  StatusMessage: text,
  ProgramId: text,
  CreatedBy: text,
  CreatedDate: date,
  StartedDate: date,
  CompletedDate: date,
  AbandonedDate: date,
  CancelledDate: date,
  FailedDate: date,
  LastProgressUpdateDate: date,
  RecordsProcessed: count,
  PercentageComplete: percentage,
  Replayable: flag,
  ResultUri: text,
};
const FIELD_READS = Object.entries(READS);

/** A Job body's `Id` and `Status` (the documented literal when it is one, in any case), or undefined without both. */
function identity(raw: Record<string, unknown>): { id: string; status: string } | undefined {
  const id = text(raw["Id"] ?? raw["JobId"]);
  const wireStatus = text(raw["Status"]);
  if (id === undefined || wireStatus === undefined) return undefined;
  const upper = wireStatus.toUpperCase();
  return { id, status: isKnownStatus(upper) ? upper : wireStatus };
}

const asRecord = (body: unknown) => (body !== null && typeof body === "object" && !Array.isArray(body) ? body : {}) as Record<string, unknown>;

/** Normalises a Job body of any flavor. Throws when it has no `Id` or `Status`, the two fields waiting needs. */
export function normaliseJob(body: unknown): Job {
  const raw = asRecord(body);
  const known = identity(raw);
  if (known === undefined) throw new TypeError(`not a Job: ${JSON.stringify(body)?.slice(0, 200)}`);
  const job: Record<string, unknown> = { Id: known.id, Status: known.status };
  for (const [name, read] of FIELD_READS) job[name] = read(raw[name]);
  job["raw"] = raw;
  return job as unknown as Job;
}

/** What a wait reads of a Job body at every check, as `normaliseJob` reads it; dates as epoch ms. */
export interface JobGlance {
  status: string;
  percent: number | undefined;
  records: number | undefined;
  createdAt: number | undefined;
  startedAt: number | undefined;
}

/**
 * A date field's epoch ms, parsed again only when the field's value changes: a job's CreatedDate and
 * StartedDate are the same at every check of it.
 */
export class DateField {
  #value: unknown = undefined;
  #ms: number | undefined = undefined;

  ms(value: unknown): number | undefined {
    if (value !== this.#value) {
      this.#value = value;
      this.#ms = date(value)?.getTime();
    }
    return this.#ms;
  }
}

/**
 * The fields of a Job body a check reads, without building the Job — a wait over a list reads thousands of
 * bodies, and builds a Job only for the one it reports — or undefined when the body is not a Job (when
 * `normaliseJob` throws). The dates are read through the wait's own `DateField`s.
 */
export function glanceJob(body: unknown, created: DateField, started: DateField): JobGlance | undefined {
  const raw = asRecord(body);
  const known = identity(raw);
  return (
    known && {
      status: known.status,
      percent: percentage(raw["PercentageComplete"]),
      records: count(raw["RecordsProcessed"]),
      createdAt: created.ms(raw["CreatedDate"]),
      startedAt: started.ms(raw["StartedDate"]),
    }
  );
}
