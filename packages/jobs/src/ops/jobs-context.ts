import type { ImpactClient } from "@impactkit/core";
import { DEFAULTS } from "../base/defaults.js";
import { InvalidArgumentError } from "../base/errors.js";
import { systemTiming } from "../base/timing.js";
import { PollEngine } from "../engine/poll-engine.js";
import { resolvePollPolicy } from "../engine/poll-policy.js";
import { createCallContext, rateLimitHint } from "../http/call-context.js";
import type { JobsContext, JobsOptions, LooseClient } from "../impact/context.js";
import { JobAges } from "../impact/job-ages.js";
import type { RequireJobsPaths } from "../impact/jobs-paths.js";
import { ListObserver } from "../impact/list-observer.js";
import { VersionDrift } from "../impact/version-drift.js";
import { getJob } from "./get-job.js";
import { listEntries } from "./list-jobs.js";

type NumericOption = "retries" | "concurrency" | "connections" | "timeoutMs" | "requestTimeoutMs" | "callTimeoutMs" | "idleTimeoutMs" | "maxRateLimitWaitMs";

/** A duration that can be met: finite and above 0 (a 0 ms timeout never is). */
const DURATION = { test: (value: number) => Number.isFinite(value) && value > 0, says: "a number of milliseconds above 0" };

/** What each numeric option accepts. */
const ACCEPTS: Record<NumericOption, { test: (value: number) => boolean; says: string }> = {
  retries: { test: (value) => Number.isInteger(value) && value >= 0, says: "a whole number of 0 or more" },
  concurrency: { test: (value) => Number.isInteger(value) && value >= 1, says: "a whole number of 1 or more" },
  connections: { test: (value) => Number.isInteger(value) && value >= 1 && value <= 32, says: "a whole number from 1 to 32" },
  timeoutMs: DURATION,
  requestTimeoutMs: DURATION,
  callTimeoutMs: DURATION,
  idleTimeoutMs: DURATION,
  maxRateLimitWaitMs: { test: (value) => value >= 0, says: "a number of milliseconds of 0 or more (Infinity for no cap)" },
};

/** The option `name`, checked, or `fallback` when it is not given. */
function numeric(options: JobsOptions, name: NumericOption, fallback: number): number {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !ACCEPTS[name].test(value))
    throw new InvalidArgumentError(`${name} must be ${ACCEPTS[name].says}, got ${JSON.stringify(value) ?? String(value)}`);
  return value;
}

/**
 * The state the operations share for one client: its rate budget, its poll scheduler (one timer for
 * every wait) and the options. `createJobs` builds one; the operations can also be imported one by one
 * (`waitForJob(context, id)`, `downloadJob(context, id, { to })`) so that a bundle carries only those used.
 */
export function jobsContext<P extends {}>(client: ImpactClient<P> & RequireJobsPaths<P>, options: JobsOptions = {}): JobsContext {
  const loose = client as unknown as LooseClient;
  if (
    !loose ||
    typeof loose.GET !== "function" ||
    typeof loose.spec?.api !== "string" ||
    typeof loose.spec.traits !== "object" ||
    typeof loose.transport?.fetch !== "function"
  ) {
    throw new InvalidArgumentError(
      "createJobs needs a client made by createClient of an @impactkit flavor package (@impactkit/partner-v16, @impactkit/agency-v3, …)",
    );
  }
  const quota = options.exportQuota;
  if (quota !== undefined && (typeof quota?.take !== "function" || typeof quota.block !== "function" || typeof quota.left !== "function"))
    throw new InvalidArgumentError("exportQuota must be an ExportQuotaStore: an object with take, block and left", "exportQuota");
  const timing = options.timing ?? systemTiming;
  const requestTimeoutMs = numeric(options, "requestTimeoutMs", DEFAULTS.requestTimeoutMs);
  const call = createCallContext({
    timing,
    host: new URL(loose.accountUrl).host,
    basePath: loose.spec.basePath,
    rateLimitHeaders: loose.spec.traits.rateLimitHeaders,
    retries: numeric(options, "retries", DEFAULTS.retries),
    requestTimeoutMs,
    // The call's bound leaves room for attempts of the request timeout given: four of them at the least.
    callTimeoutMs: numeric(options, "callTimeoutMs", Math.max(DEFAULTS.callTimeoutMs, 4 * requestTimeoutMs)),
    idleTimeoutMs: numeric(options, "idleTimeoutMs", DEFAULTS.idleTimeoutMs),
    maxRateLimitWaitMs: numeric(options, "maxRateLimitWaitMs", DEFAULTS.maxRateLimitWaitMs),
    logger: options.logger,
    onRateLimit: options.onRateLimit,
  });
  const policy = resolvePollPolicy(options.policy);
  const context = {
    client: loose,
    call,
    engine: new PollEngine(timing, policy, numeric(options, "concurrency", DEFAULTS.concurrency), options.logger, () => rateLimitHint(call)),
    observer: new ListObserver(
      call,
      policy,
      {
        list: (createdAfter) => listEntries(context, { createdAfter }, (entry) => context.drift.check("GET /Jobs", entry)),
        get: (jobId, signal) => getJob(context, jobId, signal),
      },
      (jobId) => context.engine.notify(jobId),
    ),
    ages: new JobAges(policy.firstDelayMs),
    timeoutMs: numeric(options, "timeoutMs", DEFAULTS.timeoutMs),
    waitThroughError: options.waitThroughError ?? false,
    storageFetch: options.storageFetch ?? ((input, init) => loose.transport.fetch(input, init)),
    connections: numeric(options, "connections", DEFAULTS.connections),
    drift: new VersionDrift(loose.spec, options.logger),
    exportQuota: quota,
  } as JobsContext;
  return context;
}
