import type { ApiSpec, ImpactClient } from "@impactkit/core";
import { InvalidArgumentError } from "./errors.js";
import { PollEngine } from "./poll-engine.js";
import { resolvePollPolicy, type PollPolicy } from "./poll-policy.js";
import { RateGate } from "./rate-limit.js";
import { systemTiming, type Timing } from "./timing.js";
import type { CallContext, Logger } from "./transport.js";

/** The shape of an openapi-fetch client that the operations call, whatever its flavor. */
export interface LooseClient {
  GET(path: string, init: Record<string, unknown>): Promise<{ data?: unknown; error?: unknown; response: Response }>;
  PUT(path: string, init: Record<string, unknown>): Promise<{ data?: unknown; error?: unknown; response: Response }>;
  readonly spec: ApiSpec;
  readonly accountSid: string;
  readonly accountUrl: string;
}

/** What every operation of a jobs instance shares. */
export interface JobsContext {
  client: LooseClient;
  call: CallContext;
  engine: PollEngine;
  /** Overall deadline of a wait, in ms. */
  timeoutMs: number;
  /** Whether a job in ERROR is waited through (impact.com retries it every 15 minutes) instead of failing the wait. */
  waitThroughError: boolean;
  /** The fetch used for signed storage URLs: never the API client's, so no API credential can reach storage. */
  storageFetch: typeof fetch;
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
  /** How long one request may wait for its response before it is given up and retried (default 60 s). */
  requestTimeoutMs?: number;
  /** Receives retries and undocumented statuses. Never given credentials. */
  logger?: Logger;
  /** The fetch for signed storage URLs (default: the global fetch). It never receives API credentials. */
  storageFetch?: typeof fetch;
  /** Clock, timers and randomness; injected by tests. */
  timing?: Timing;
}

/** The option `name`, checked, or `fallback` when it is not given. */
function positive(options: JobsOptions, name: "retries" | "concurrency" | "timeoutMs" | "requestTimeoutMs", fallback: number, integer: boolean): number {
  const value = options[name];
  if (value === undefined) return fallback;
  if (!(integer ? Number.isInteger(value) && value >= 1 : Number.isFinite(value) && value >= 0)) throw new InvalidArgumentError(`${name} must be a ${integer ? "whole number of 1 or more" : "number of 0 or more"}, got ${value}`);
  return value;
}

/**
 * The state the operations share for one client: its rate budget, its poll scheduler (one timer for
 * every wait) and the options. `createJobs` builds one; the operations can also be imported one by one
 * (`waitForJob(context, id)`, `downloadJob(context, id, { to })`) so that a bundle carries only those used.
 */
export function jobsContext<P extends {}>(client: ImpactClient<P>, options: JobsOptions = {}): JobsContext {
  const loose = client as unknown as LooseClient;
  if (!loose || typeof loose.GET !== "function" || typeof loose.spec?.api !== "string") {
    throw new InvalidArgumentError("createJobs needs a client made by createClient of @impactkit/partner-v15, @impactkit/agency-v3 or @impactkit/brand");
  }
  const timing = options.timing ?? systemTiming;
  return {
    client: loose,
    call: {
      timing,
      gate: new RateGate(),
      api: loose.spec.api,
      retries: positive(options, "retries", 4, false),
      requestTimeoutMs: positive(options, "requestTimeoutMs", 60_000, false),
      logger: options.logger,
    },
    engine: new PollEngine(timing, resolvePollPolicy(options.policy), positive(options, "concurrency", 8, true), options.logger),
    timeoutMs: positive(options, "timeoutMs", 3_600_000, false),
    waitThroughError: options.waitThroughError ?? false,
    storageFetch: options.storageFetch ?? ((input, init) => fetch(input, init)),
  };
}
