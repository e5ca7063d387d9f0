import type { Clock } from "./clock.js";
import type { SandboxFlavor } from "./flavors.js";
import { resolvePlan, type JobPlan } from "./job-plan.js";
import { JobStore, type ResultFormat, type SandboxJob } from "./job-store.js";
import { resultFile, type ResultFile } from "./result-file.js";
import type { UrlSigner } from "./signed-url.js";
import { uuidFrom } from "./prng.js";

/** Everything the routes read and change. */
export interface SandboxState {
  clock: Clock;
  jobs: JobStore;
  signer: UrlSigner;
  storageOrigin: string;
  signedUrlTtlMs: number;
  /** Known report ids and handles; `undefined` accepts any. */
  reports: ReadonlySet<string> | undefined;
  defaultPlan: JobPlan;
  plans: Record<string, Partial<JobPlan>>;
  nextPlans: Array<Partial<JobPlan>>;
  random: () => number;
}

export interface NewJob {
  flavor: SandboxFlavor;
  accountSid: string;
  type: SandboxJob["type"];
  source: string;
  programId: string;
  params: SandboxJob["params"];
  resultFormat: ResultFormat;
  replayOf?: string;
}

/** Creates a job with the plan for its source (or the next plan queued by `control.planNext`). */
export function createJob(state: SandboxState, request: NewJob): SandboxJob {
  const plan = resolvePlan(resolvePlan(state.defaultPlan, state.plans[request.source]), state.nextPlans.shift());
  const job: SandboxJob = {
    id: uuidFrom(state.random),
    flavor: request.flavor.id,
    accountSid: request.accountSid,
    type: request.type,
    source: request.source,
    programId: request.programId,
    params: request.params,
    resultFormat: request.resultFormat,
    createdAt: state.clock.now(),
    plan,
    ...(request.replayOf ? { replayOf: request.replayOf } : {}),
  };
  return job;
}

function seedOf(id: string): number {
  return Number.parseInt(id.replaceAll("-", "").slice(0, 8), 16);
}

/** The result file of a job: its rows, format and values follow from the job alone. */
export function jobResult(job: SandboxJob): ResultFile {
  const date = job.params["START_DATE"] ?? job.params["StartDate"] ?? job.params["Date"];
  const eventDate = typeof date === "string" && /^\d{4}-\d{2}-\d{2}/.test(date) ? date.slice(0, 10) : new Date(job.createdAt).toISOString().slice(0, 10);
  return resultFile({ format: job.resultFormat, rows: job.plan.rows, seed: seedOf(job.id), eventDate, programId: job.programId });
}
