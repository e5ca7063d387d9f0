import { createHash } from "node:crypto";
import { InvalidArgumentError } from "@impactkit/jobs";

/** A parameter of an export: a value, or a list of them (partner's ClickExport `ProgramId`). */
export type ExportParam = string | number | boolean | readonly string[];

/** What to export: a report with its parameters, or the clicks (ClickExport) with theirs. */
export type ExportSpec = { report: string; params: Record<string, ExportParam> } | { clicks: Record<string, ExportParam> };

/**
 * One durable export: which flavor and account (its SID — never a credential), what to export, and the
 * file it ends in. Everything in it goes to Redis.
 */
export interface ExportRequest<F extends string = string> {
  flavor: F;
  account: string;
  export: ExportSpec;
  /** The file the result is published to (on storage every worker sees). */
  to: string;
}

/** Where a pipeline stands, kept in its BullMQ job's data between steps. */
export interface PipelineState {
  /** The impact.com job, once the export was scheduled. */
  jobId?: string;
  /** Checks made while it ran. */
  checks: number;
}

/** What a pipeline's BullMQ job holds: the export request, and how far the pipeline got. */
export type PipelineData<F extends string = string> = ExportRequest<F> & PipelineState;

/** What a finished pipeline returns: the impact.com job and the published file. */
export interface PipelineResult {
  jobId: string;
  path: string;
  bytes: number;
}

/**
 * The Redis key naming the pipeline that waits for impact.com job `jobId` in queue `queueName`, so that a
 * Job Completion Event, which names the job only, can wake it.
 */
export const jobIndexKey = (queueName: string, jobId: string): string => `impactkit:${queueName}:job:${jobId.toLowerCase()}`;

/** Canonical JSON: object keys sorted, so that equal requests give equal text whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * The pipeline id of a request: the same request added twice (a retried producer, two machines) is one
 * BullMQ job (https://docs.bullmq.io/guide/jobs/job-ids), so one export.
 */
export function pipelineId(request: ExportRequest): string {
  return `export-${createHash("sha256")
    .update(canonical({ flavor: request.flavor, account: request.account, export: request.export, to: request.to }))
    .digest("hex")
    .slice(0, 32)}`;
}

/** Rejects a request that cannot run, before anything reaches Redis, with the project's `InvalidArgumentError`. */
export function checkRequest(request: ExportRequest, flavors: readonly string[]): void {
  const fail = (why: string) => {
    throw new InvalidArgumentError(`cannot queue this export: ${why}`);
  };
  if (!flavors.includes(request.flavor)) fail(`flavor ${JSON.stringify(request.flavor)} is not one of ${flavors.join(", ")}`);
  if (typeof request.account !== "string" || !/^[A-Za-z0-9]+$/.test(request.account)) fail("account must be an Account SID (letters and digits)");
  if (typeof request.to !== "string" || request.to === "") fail("to must be the path of the file to write");
  const spec = request.export as Partial<Record<"report" | "params" | "clicks", unknown>>;
  if (!("report" in spec) && !("clicks" in spec)) fail("export must name a report ({ report, params }) or { clicks }");
}
