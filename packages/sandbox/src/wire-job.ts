import type { SandboxFlavor } from "./flavors.js";
import { jobState, type SandboxJob } from "./job-store.js";

/** ISO 8601 with an offset, as the examples show (`2022-06-07T04:33:50-05:00`); the sandbox answers in UTC. */
export function wireDate(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace(".000Z", "+00:00");
}

const STATUS_MESSAGES: Record<string, string> = {
  QUEUED: "Job is queued",
  RUNNING: "Job is running",
  COMPLETED: "Job completed successfully",
  ERROR: "Job raised an error; it is retried automatically every 15 minutes",
  FAILED: "Job failed after repeated errors",
  CANCELLED: "Job was cancelled by an administrator",
};

/**
 * A Job as the wire sends it: numbers and booleans as strings, unset dates as "" (every example
 * response of https://integrations.impact.com/impact-brand/reference/retrieve-a-job), or as
 * null where the flavor's models mark them nullable (`traits.unsetDates`, the brand models).
 */
export function toWireJob(flavor: SandboxFlavor, job: SandboxJob, now: number): Record<string, string | null> {
  const state = jobState(job, now);
  const rows = job.plan.rows;
  let percentage = 0;
  let records = 0;
  let started = "";
  let completed = "";
  let failed = "";
  let cancelled = "";
  let lastProgress = "";
  const queueEnd = job.createdAt + job.plan.queueMs;
  switch (state.status) {
    case "QUEUED":
      break;
    case "RUNNING":
      percentage = Math.min(99, Math.floor(state.fraction * 100));
      records = Math.floor(rows * state.fraction);
      started = wireDate(Math.max(queueEnd, now - state.fraction * job.plan.runMs));
      lastProgress = wireDate(now);
      break;
    case "ERROR":
      started = wireDate(state.since - job.plan.runMs);
      failed = wireDate(state.since);
      lastProgress = wireDate(state.since);
      break;
    case "COMPLETED":
      percentage = 100;
      records = rows;
      started = wireDate(state.startedAt);
      completed = wireDate(state.at);
      lastProgress = completed;
      break;
    case "FAILED":
      started = wireDate(state.startedAt);
      failed = wireDate(state.at);
      lastProgress = failed;
      break;
    case "CANCELLED":
      cancelled = wireDate(state.at);
      break;
  }
  const unset = flavor.traits.unsetDates === "null" ? null : "";
  const orUnset = (value: string) => (value === "" ? unset : value);
  return {
    Id: job.id,
    Type: job.type,
    ProgramId: job.programId,
    CreatedBy: job.accountSid,
    CreatedDate: wireDate(job.createdAt),
    StartedDate: orUnset(started),
    CompletedDate: orUnset(completed),
    AbandonedDate: unset,
    CancelledDate: orUnset(cancelled),
    FailedDate: orUnset(failed),
    LastProgressUpdateDate: orUnset(lastProgress),
    Status: state.status,
    StatusMessage: STATUS_MESSAGES[state.status]!,
    RecordsProcessed: String(records),
    PercentageComplete: String(percentage),
    Replayable: String(job.plan.replayable),
    ResultUri: `/${flavor.segment}/${job.accountSid}/Jobs/${job.id}/Download`,
  };
}
