import type { Clock } from "./clock.js";
import type { DailyExportQuota } from "./daily-quota.js";
import type { SandboxFlavor } from "./flavors.js";
import { resolvePlan, type JobPlan } from "./job-plan.js";
import type { JobStore, ResultFormat, SandboxJob } from "./job-store.js";
import type { ResultVersions } from "./result-versions.js";
import type { UrlSigner } from "./signed-url.js";
import { uuidFrom } from "./prng.js";

/** Everything the routes read and change. */
export interface SandboxState {
  /** Every flavor this sandbox serves. */
  flavors: readonly SandboxFlavor[];
  clock: Clock;
  jobs: JobStore;
  /** Each account's exports against its daily quotas. */
  quota: DailyExportQuota;
  signer: UrlSigner;
  /** The storage origin signed download URLs point to. */
  storageOrigin: string;
  /** The storage origin's cleartext listener, where a `storage-redirect` to `http` points. */
  cleartextStorageOrigin: string;
  /** Another origin, where `redirect` and `storage-redirect` to `other-origin` point. */
  elsewhereOrigin: string;
  /** The versions of the stored results. */
  results: ResultVersions;
  signedUrlTtlMs: number;
  /** What one storage response carries at most, in bytes per second (no limit when undefined). */
  storageBytesPerSecond: number | undefined;
  /** The most jobs a page of the Jobs list holds. */
  maxListPageSize: number;
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
