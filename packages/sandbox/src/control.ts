import { followClock, ManualClock, manualTimers, ScaledClock, type Clock, type ClockTimers } from "./clock.js";
import type { SandboxAccount } from "./accounts.js";
import { httpDate } from "./byte-range.js";
import type { ExportsToday } from "./daily-quota.js";
import type { ElsewhereRequest } from "./elsewhere-origin.js";
import type { FaultPlan, RandomFaults, ScriptedFault } from "./faults.js";
import { resolvePlan, type JobPlan } from "./job-plan.js";
import { jobState, type JobState, type SandboxJob } from "./job-store.js";
import type { HourlyUsage, RateLimiter, RateLimitOptions } from "./rate-limit.js";
import type { LoggedRequest } from "./request-log.js";
import type { ResponseValidator, Violation } from "./response-validator.js";
import { resultSha256 } from "./result-file.js";
import type { SandboxState } from "./sandbox-state.js";
import { toWireJob } from "./wire-job.js";

/** A job, its state now and its wire form. */
export interface JobSnapshot {
  job: SandboxJob;
  state: JobState;
  /** The Job as the API sends it now. */
  wire: Record<string, string | null>;
}

/** The stored result of a job as the storage origin serves it now. */
export interface ResultSnapshot {
  size: number;
  sha256: string;
  contentType: string;
  /** The `ETag` the storage origin sends for this version. */
  etag: string;
  /** The `Last-Modified` it sends (an HTTP-date). */
  lastModified: string;
  /** 0, then one more for each `object-changed` fault. */
  version: number;
}

/** What tests and demos use to steer and observe a sandbox. */
export interface SandboxControl {
  readonly clock: Clock;
  /** Moves a manual clock forward. */
  advance(ms: number): void;
  /**
   * Timers that follow the sandbox's clock, to pass to `createJobs({ timing })` so that the client waits in
   * sandbox time: with a scaled clock they run at its pace; with the manual clock they fire only as it moves.
   */
  timers(): ClockTimers;
  /**
   * Manual clock: waits until a client has armed a timer, moves the clock to the soonest one and fires it;
   * resolves to the sandbox time it fired at. A test steps a wait check by check with it, on any machine.
   * `signal` gives up waiting for a timer (the promise rejects with its reason).
   */
  runNextTimer(options?: { signal?: AbortSignal }): Promise<number>;
  /** Manual clock: waits until a client has armed a timer and resolves to when the soonest one is due, firing nothing. */
  nextTimer(options?: { signal?: AbortSignal }): Promise<number>;
  addAccount(account: SandboxAccount): void;
  /** The plan of the next job created (queued: each call plans one more job). */
  planNext(plan: Partial<JobPlan>): void;
  /** Cancels a job now, as only an impact.com administrator can. */
  cancel(jobId: string): void;
  job(jobId: string): JobSnapshot;
  jobs(): JobSnapshot[];
  /** Size, sha256, content type and validators of a job's result file, in the version the storage origin serves now. */
  result(jobId: string): Promise<ResultSnapshot>;
  inject(fault: ScriptedFault): void;
  randomFaults(faults: RandomFaults | undefined): void;
  clearFaults(): void;
  /** Requests seen by one origin or both, credentials redacted. */
  requests(origin?: LoggedRequest["origin"]): LoggedRequest[];
  /** Requests the elsewhere origin (`sandbox.elsewhereUrl`) received, headers unredacted. */
  elsewhere(): ElsewhereRequest[];
  /** Forgets the requests of every origin, the elsewhere origin's included. */
  clearRequests(): void;
  /** JSON responses that did not match the flavor's merged spec (faults excepted). */
  violations(): Violation[];
  setRateLimit(options: Partial<RateLimitOptions>): void;
  /** Requests each account made in each clock hour, and how many the hourly budget refused (429). */
  usage(): HourlyUsage[];
  /**
   * The exports of an account that count against its daily quotas now — those that created a job in the
   * 24 hours before the sandbox's now — in one flavor (a flavor id such as `partner-v15`) or in all.
   */
  exportsToday(accountSid: string, flavor?: string): ExportsToday;
}

/** What the control surface steers and reads. */
export interface ControlParts {
  state: SandboxState;
  accounts: SandboxAccount[];
  faults: FaultPlan;
  limiter: RateLimiter;
  validator: ResponseValidator;
  log: LoggedRequest[];
  elsewhereLog: ElsewhereRequest[];
}

function manual(clock: Clock, what: string): ManualClock {
  if (!(clock instanceof ManualClock)) throw new Error(`${what} needs the manual clock: startSandbox({ clock: "manual" })`);
  return clock;
}

/** The control surface of a sandbox over its state, fault plan, rate limiter, validator and logs. */
export function sandboxControl(parts: ControlParts): SandboxControl {
  const { state, accounts, faults, limiter, validator, log, elsewhereLog } = parts;
  const { clock } = state;
  const snapshot = (job: SandboxJob): JobSnapshot => {
    const now = clock.now();
    return { job, state: jobState(job, now), wire: toWireJob(state.flavors.find((flavor) => flavor.id === job.flavor)!, job, now) };
  };
  const existing = (jobId: string): SandboxJob => {
    const job = state.jobs.get(jobId);
    if (!job) throw new Error(`no sandbox job ${jobId}`);
    return job;
  };
  return {
    clock,
    advance: (ms) => manual(clock, "advance").advance(ms),
    timers() {
      if (clock instanceof ManualClock) return manualTimers(clock);
      if (!(clock instanceof ScaledClock))
        throw new Error('timers() needs the manual clock or a scaled one: startSandbox({ clock: "manual" }) or { clock: { timeScale } }');
      return followClock(clock);
    },
    runNextTimer: (options) => manual(clock, "runNextTimer").runNextTimer(options?.signal),
    nextTimer: (options) => manual(clock, "nextTimer").nextTimer(options?.signal),
    addAccount: (account) => void accounts.push(account),
    planNext: (plan) => void state.nextPlans.push(resolvePlan(state.defaultPlan, plan)),
    cancel(jobId) {
      existing(jobId).cancelledAt = clock.now();
    },
    job: (jobId) => snapshot(existing(jobId)),
    jobs: () => state.jobs.all().map(snapshot),
    async result(jobId) {
      const current = state.results.current(existing(jobId), clock.now());
      const { file } = current;
      return {
        size: file.size,
        sha256: await resultSha256(file),
        contentType: file.contentType,
        etag: current.etag,
        lastModified: httpDate(current.lastModified),
        version: current.version,
      };
    },
    inject: (fault) => faults.inject(fault),
    randomFaults: (random) => faults.random(random),
    clearFaults: () => faults.clear(),
    requests: (origin) => log.filter((entry) => origin === undefined || entry.origin === origin),
    elsewhere: () => [...elsewhereLog],
    clearRequests() {
      log.splice(0);
      elsewhereLog.splice(0);
    },
    violations: () => [...validator.violations],
    setRateLimit(change) {
      limiter.options = { ...limiter.options, ...change };
      limiter.reset();
    },
    usage: () => limiter.usage(),
    exportsToday: (accountSid, flavor) => state.quota.today(accountSid, clock.now(), flavor),
  };
}
