/**
 * How a sandbox job unfolds over time. The Jobs page says a job averages around 5 seconds and may wait
 * in the queue (https://integrations.impact.com/brand-api-reference/reference/jobs); an ERROR is retried
 * every 15 minutes and after 5 unsuccessful tries the job is FAILED
 * (https://integrations.impact.com/impact-brand/reference/retrieve-a-job).
 */
export interface JobPlan {
  /** Time spent QUEUED before the first run. */
  queueMs: number;
  /** Duration of one run (RUNNING, with progress). */
  runMs: number;
  /** Runs that end in ERROR before the outcome; each ERROR lasts `retryMs`. */
  errors: number;
  /** What the run after the errors ends in: COMPLETED, or FAILED (with no further run). */
  outcome: "COMPLETED" | "FAILED";
  /** How long an ERROR lasts before the automatic retry. */
  retryMs: number;
  /** Rows in the result file. */
  rows: number;
  /** Whether the job's type can be replayed (`Replayable`). */
  replayable: boolean;
}

/** The plan of a job nothing else plans: 0.5 s QUEUED, 4.5 s RUNNING, no ERROR, COMPLETED with 1,000 rows, replayable. */
export const DEFAULT_PLAN: JobPlan = { queueMs: 500, runMs: 4_500, errors: 0, outcome: "COMPLETED", retryMs: 15 * 60_000, rows: 1_000, replayable: true };

export type JobPhase =
  | { status: "QUEUED" }
  | { status: "RUNNING"; fraction: number; attempt: number }
  | { status: "ERROR"; since: number; attempt: number }
  | { status: "COMPLETED"; at: number; startedAt: number }
  | { status: "FAILED"; at: number; startedAt: number };

/** The phase of a job planned at `createdAt`, at time `now`. A pure function of the plan and the clock. */
export function phaseAt(plan: JobPlan, createdAt: number, now: number): JobPhase {
  let t = createdAt + plan.queueMs;
  if (now < t) return { status: "QUEUED" };
  for (let attempt = 1; attempt <= plan.errors; attempt += 1) {
    if (now < t + plan.runMs) return { status: "RUNNING", fraction: plan.runMs === 0 ? 1 : (now - t) / plan.runMs, attempt };
    t += plan.runMs;
    if (plan.outcome === "FAILED" && attempt === plan.errors) return { status: "FAILED", at: t, startedAt: t - plan.runMs };
    if (now < t + plan.retryMs) return { status: "ERROR", since: t, attempt };
    t += plan.retryMs;
  }
  if (plan.outcome === "FAILED" && plan.errors === 0) {
    return now < t + plan.runMs
      ? { status: "RUNNING", fraction: plan.runMs === 0 ? 1 : (now - t) / plan.runMs, attempt: 1 }
      : { status: "FAILED", at: t + plan.runMs, startedAt: t };
  }
  if (now < t + plan.runMs) return { status: "RUNNING", fraction: plan.runMs === 0 ? 1 : (now - t) / plan.runMs, attempt: plan.errors + 1 };
  return { status: "COMPLETED", at: t + plan.runMs, startedAt: t };
}

/** Checks a partial plan and fills the rest from `base`. */
export function resolvePlan(base: JobPlan, change: Partial<JobPlan> = {}): JobPlan {
  const plan = { ...base, ...change };
  for (const key of ["queueMs", "runMs", "retryMs", "errors", "rows"] as const) {
    if (!Number.isFinite(plan[key]) || plan[key] < 0) throw new RangeError(`job plan ${key} must be a finite number of 0 or more, got ${plan[key]}`);
  }
  if (!Number.isInteger(plan.errors) || !Number.isInteger(plan.rows)) throw new RangeError("job plan errors and rows must be whole numbers");
  if (typeof plan.replayable !== "boolean") throw new RangeError("job plan replayable must be true or false");
  if (plan.outcome !== "COMPLETED" && plan.outcome !== "FAILED")
    throw new RangeError(`job plan outcome must be COMPLETED or FAILED, got ${String(plan.outcome)}`);
  return plan;
}
