import type { ApiSpec, ImpactClient } from "@impactkit/core";
import { DEFAULTS } from "./defaults.js";
import { InvalidArgumentError } from "./errors.js";
import { getJob } from "./get-job.js";
import { JobAges } from "./job-ages.js";
import type { RequireJobsPaths } from "./jobs-paths.js";
import { listEntries } from "./list-jobs.js";
import { ListObserver } from "./list-observer.js";
import { PollEngine } from "./poll-engine.js";
import { resolvePollPolicy, type PollPolicy } from "./poll-policy.js";
import { systemTiming, type Timing } from "./timing.js";
import { createCallContext, rateLimitHint, type CallContext, type Logger, type RateLimitEvent } from "./transport.js";
import { VersionDrift } from "./version-drift.js";

/** The shape of an openapi-fetch client that the operations call, whatever its flavor. */
export interface LooseClient {
  GET(path: string, init: Record<string, unknown>): Promise<{ data?: unknown; error?: unknown; response: Response }>;
  PUT(path: string, init: Record<string, unknown>): Promise<{ data?: unknown; error?: unknown; response: Response }>;
  readonly spec: ApiSpec;
  readonly accountSid: string;
  readonly accountUrl: string;
  readonly transport: { fetch(input: string | URL | Request, init?: RequestInit): Promise<Response> };
}

/** What every operation of a jobs instance shares. */
export interface JobsContext {
  client: LooseClient;
  call: CallContext;
  engine: PollEngine;
  /** How the waits observe their jobs: one Jobs list for many, a GET each for one. */
  observer: ListObserver;
  /** When this instance created its latest jobs, for the first check of a wait. */
  ages: JobAges;
  /** Overall deadline of a wait, in ms. */
  timeoutMs: number;
  /** Whether a job in ERROR is waited through (impact.com retries it every 15 minutes) instead of failing the wait. */
  waitThroughError: boolean;
  /** The fetch used for signed storage URLs: the client's transport, never its fetch, so no API credential can reach storage. */
  storageFetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  /** Connections a download may open to storage at once for the parts of one result (1: one stream). */
  connections: number;
  /** Says once when the server's Jobs show fields the package's spec does not know. */
  drift: VersionDrift;
}

export interface JobsOptions {
  /** When to check a job: first delay, then capped exponential backoff with jitter (see `DEFAULT_POLL_POLICY`). */
  policy?: Partial<PollPolicy>;
  /** Overall deadline of a wait, in ms (default one hour). */
  timeoutMs?: number;
  /** Wait through a job's ERROR (impact.com retries it every 15 minutes) instead of failing (default false). */
  waitThroughError?: boolean;
  /** Checks in flight at once across every wait of this instance (default 8). */
  concurrency?: number;
  /** Transport retries per call after network errors, 429 and 5xx (default 4). */
  retries?: number;
  /** How long one request may wait for its response before it is given up and retried (default 30 s). */
  requestTimeoutMs?: number;
  /**
   * How long one call may take in all, its retries and the waits between them included (default 2 minutes, or
   * four `requestTimeoutMs` when that is longer):
   * a host that accepts connections and never answers fails the call then, naming the host. Waits for the
   * hourly rate limit are not counted (see `maxRateLimitWaitMs`).
   */
  callTimeoutMs?: number;
  /**
   * Connections one download opens to storage for parts of the result (default 8), when storage serves byte
   * ranges of a result large enough (`Accept-Ranges: bytes`, a strong validator, over 16 MiB): storage limits
   * what one connection carries, as S3 and GCS do. 1 reads it as one stream. `stream()` and `records()` read
   * one stream always.
   */
  connections?: number;
  /**
   * How long a response body (a download, `Mode=Stream`) may send no byte before the transfer is given up
   * and resumed (default 30 s).
   */
  idleTimeoutMs?: number;
  /**
   * The longest a call waits for the account's hourly rate limit to reset; a longer wait fails at once with
   * a `RateLimitWaitError` (default: no cap — waits over 5 s are logged as they start).
   */
  maxRateLimitWaitMs?: number;
  /** Receives retries and undocumented statuses. Never given credentials. */
  logger?: Logger;
  /**
   * Told when requests are held back for the account's hourly budget (shared by every call of the
   * instance): once per window when pacing begins, and for each wait over 5 s. The logger is told too.
   */
  onRateLimit?: (event: RateLimitEvent) => void;
  /**
   * The fetch for signed storage URLs (default: the client's `transport`, with its proxy and limits). It
   * never receives API credentials.
   */
  storageFetch?: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  /** Clock, timers and randomness; injected by tests. */
  timing?: Timing;
}

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
  if (typeof value !== "number" || !ACCEPTS[name].test(value)) throw new InvalidArgumentError(`${name} must be ${ACCEPTS[name].says}, got ${JSON.stringify(value) ?? String(value)}`);
  return value;
}

/**
 * The state the operations share for one client: its rate budget, its poll scheduler (one timer for
 * every wait) and the options. `createJobs` builds one; the operations can also be imported one by one
 * (`waitForJob(context, id)`, `downloadJob(context, id, { to })`) so that a bundle carries only those used.
 */
export function jobsContext<P extends {}>(client: ImpactClient<P> & RequireJobsPaths<P>, options: JobsOptions = {}): JobsContext {
  const loose = client as unknown as LooseClient;
  if (!loose || typeof loose.GET !== "function" || typeof loose.spec?.api !== "string" || typeof loose.spec.traits !== "object" || typeof loose.transport?.fetch !== "function") {
    throw new InvalidArgumentError("createJobs needs a client made by createClient of an @impactkit flavor package (@impactkit/partner-v16, @impactkit/agency-v3, …)");
  }
  const timing = options.timing ?? systemTiming;
  const requestTimeoutMs = numeric(options, "requestTimeoutMs", DEFAULTS.requestTimeoutMs);
  const call = createCallContext({
    timing,
    host: new URL(loose.accountUrl).host,
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
  const context: JobsContext = {
    client: loose,
    call,
    engine: new PollEngine(timing, policy, numeric(options, "concurrency", DEFAULTS.concurrency), options.logger, () => rateLimitHint(call)),
    observer: new ListObserver(call, policy, { list: (createdAfter) => listEntries(context, { createdAfter }, (entry) => context.drift.check("GET /Jobs", entry)), get: (jobId, signal) => getJob(context, jobId, signal) }, (jobId) => context.engine.notify(jobId)),
    ages: new JobAges(policy.firstDelayMs),
    timeoutMs: numeric(options, "timeoutMs", DEFAULTS.timeoutMs),
    waitThroughError: options.waitThroughError ?? false,
    storageFetch: options.storageFetch ?? ((input, init) => loose.transport.fetch(input, init)),
    connections: numeric(options, "connections", DEFAULTS.connections),
    drift: new VersionDrift(loose.spec, options.logger),
  };
  return context;
}
