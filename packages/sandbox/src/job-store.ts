import { phaseAt, type JobPhase, type JobPlan } from "./job-plan.js";

export type ResultFormat = "CSV" | "JSON" | "XML";

/** A job the sandbox holds: what was exported, by which account and flavor, when, and its plan. */
export interface SandboxJob {
  id: string;
  flavor: string;
  accountSid: string;
  type: "ApiReport" | "ClickExport";
  /** The report id or handle (ApiReport) or `clicks` (ClickExport). */
  source: string;
  programId: string;
  /** The export request's query, which a replay repeats. */
  params: Readonly<Record<string, string | readonly string[]>>;
  resultFormat: ResultFormat;
  createdAt: number;
  plan: JobPlan;
  /** Set by `control.cancel`: only an impact.com administrator can cancel a job. */
  cancelledAt?: number;
  /** The job this one replays. */
  replayOf?: string;
}

/** Where a job stands at a moment: the phase of its plan, or cancelled (`control.cancel`) before it ended. */
export type JobState = JobPhase | { status: "CANCELLED"; at: number };

/** The state of a job now: its planned phase, unless it was cancelled before it ended. */
export function jobState(job: SandboxJob, now: number): JobState {
  if (job.cancelledAt !== undefined && now >= job.cancelledAt) {
    const atCancel = phaseAt(job.plan, job.createdAt, job.cancelledAt);
    if (atCancel.status !== "COMPLETED" && atCancel.status !== "FAILED") return { status: "CANCELLED", at: job.cancelledAt };
  }
  return phaseAt(job.plan, job.createdAt, now);
}

export function isTerminal(state: JobState): boolean {
  return state.status === "COMPLETED" || state.status === "FAILED" || state.status === "CANCELLED";
}

/** Jobs by id, plus the export requests already scheduled (identical requests return the existing job). */
export class JobStore {
  readonly #jobs = new Map<string, SandboxJob>();
  readonly #byRequest = new Map<string, string>();

  add(job: SandboxJob, requestKey?: string): void {
    this.#jobs.set(job.id, job);
    if (requestKey !== undefined) this.#byRequest.set(requestKey, job.id);
  }

  get(id: string): SandboxJob | undefined {
    return this.#jobs.get(id);
  }

  /** The job an identical export request scheduled earlier (https://integrations.impact.com/impact-brand/reference/schedule-reports-with-reportexport-and-clickexport). */
  byRequest(requestKey: string): SandboxJob | undefined {
    const id = this.#byRequest.get(requestKey);
    return id === undefined ? undefined : this.#jobs.get(id);
  }

  all(): SandboxJob[] {
    return [...this.#jobs.values()];
  }
}

/** A stable key for an export request: flavor, account, what is exported and its sorted parameters. */
export function requestKey(flavor: string, accountSid: string, source: string, params: Readonly<Record<string, string | readonly string[]>>): string {
  const sorted = Object.keys(params)
    .sort()
    .map((key) => [key, params[key]]);
  return JSON.stringify([flavor, accountSid, source, sorted]);
}
