import { validateBaseUrl } from "@impactkit/core";
import { DEFAULTS, type PollPolicy } from "../base/defaults.js";
import { InvalidArgumentError, JobsError } from "../base/errors.js";
import { PollEngine, type Checkpoint, type Observation, type PollTarget } from "../engine/poll-engine.js";
import { resolvePollPolicy } from "../engine/poll-policy.js";
import { systemTiming, type Timing } from "../base/timing.js";
import { callApi } from "../http/call.js";
import { createCallContext, unreachable } from "../http/call-context.js";
import type { Logger } from "../base/logger.js";

/**
 * A Zendesk job status (`GET /api/v2/job_statuses/{id}`): status "queued", "working", "failed" or
 * "completed" ("killed" appears in client code), `progress` tasks done of `total`
 * (https://developer.zendesk.com/api-reference/ticketing/ticket-management/job_statuses/).
 */
export interface ZendeskJobStatus {
  id: string;
  job_type?: string;
  message?: string | null;
  progress?: number | null;
  total?: number | null;
  status?: string;
  results?: unknown;
  url?: string;
}

/** A Zendesk job that ended "failed" or "killed". */
export class ZendeskJobFailedError extends JobsError {
  override name = "ZendeskJobFailedError";
  override readonly code: string = "IMPACTKIT_ZENDESK_JOB_FAILED";
  readonly job: ZendeskJobStatus;

  constructor(job: ZendeskJobStatus) {
    super(`Zendesk job ${job.id} is ${job.status}${job.message ? `: ${job.message}` : ""}`);
    this.job = job;
  }
}

/**
 * Where `createZendeskJobs` finds a Zendesk account's job statuses
 * (https://developer.zendesk.com/api-reference/ticketing/ticket-management/job_statuses/) and how it polls them:
 * the account's URL and `Authorization`, the fetch, the poll policy, the wait's deadline, retries, logger and clock.
 */
export interface ZendeskOptions {
  /** `https://<subdomain>.zendesk.com`. Job status ids look like `V3-ca23937b…`. */
  baseUrl: string;
  /** The `Authorization` header value, e.g. Basic `{email}/token:{api_token}`. Sent only to `baseUrl`. */
  authorization: string;
  /** The fetch for the status requests (default: the runtime's). */
  fetch?: typeof fetch;
  /** When to check a job (default: `DEFAULT_POLL_POLICY` with a first delay of 1 s). */
  policy?: Partial<PollPolicy>;
  /** Overall deadline of a wait, in ms, unless the wait gives its own. */
  timeoutMs?: number;
  /** Retries per status request after network errors, 429 and 5xx. */
  retries?: number;
  /** Receives retries and undocumented statuses. Never given credentials. */
  logger?: Logger;
  /** Clock, timers and randomness; injected by tests. */
  timing?: Timing;
}

/** The base URL checked as every client of the project checks it (no userinfo, query or fragment). */
function zendeskBaseUrl(baseUrl: unknown): string {
  try {
    return validateBaseUrl(baseUrl);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message, "baseUrl");
  }
}

/** The `job_status` of a 200; a body without one (`{}`, `null`) is malformed and retried. */
function jobStatus(body: unknown): ZendeskJobStatus {
  const status = body !== null && typeof body === "object" ? (body as { job_status?: unknown }).job_status : undefined;
  if (status === null || typeof status !== "object" || typeof (status as ZendeskJobStatus).id !== "string")
    throw new TypeError(`no job_status in ${JSON.stringify(body)?.slice(0, 120)}`);
  return status as ZendeskJobStatus;
}

const PHASES: Record<string, Observation<ZendeskJobStatus>["phase"]> = {
  queued: "pending",
  working: "pending",
  completed: "succeeded",
  failed: "failed",
  killed: "failed",
};

/** The rate-limit headers the adapter reads: the `X-RateLimit-*` names of impact.com's brand and agency APIs. */
const ZENDESK_RATE_LIMIT_HEADERS = { limit: "X-RateLimit-Limit", remaining: "X-RateLimit-Remaining", reset: "X-RateLimit-Reset" };

/**
 * Waits for Zendesk job statuses with the same engine as impact.com jobs: only the adapter differs
 * (how to fetch one status, and how its status maps to pending / succeeded / failed and progress).
 */
export function createZendeskJobs(options: ZendeskOptions): {
  get(id: string, signal?: AbortSignal): Promise<ZendeskJobStatus>;
  wait(
    id: string,
    waitOptions?: { signal?: AbortSignal; timeoutMs?: number; onProgress?: (job: ZendeskJobStatus) => void; onCheckpoint?: (checkpoint: Checkpoint) => void },
  ): Promise<ZendeskJobStatus>;
  notify(id: string): number;
} {
  const timing = options.timing ?? systemTiming;
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const base = zendeskBaseUrl(options?.baseUrl);
  if (typeof options.authorization !== "string" || options.authorization.trim() === "")
    throw new InvalidArgumentError("createZendeskJobs needs `authorization`: the Authorization header value");
  const call = createCallContext({
    timing,
    host: new URL(base).host,
    rateLimitHeaders: ZENDESK_RATE_LIMIT_HEADERS,
    retries: options.retries ?? DEFAULTS.retries,
    logger: options.logger,
  });
  const engine = new PollEngine(timing, resolvePollPolicy({ firstDelayMs: 1_000, ...options.policy }), 8, options.logger);

  async function get(id: string, signal?: AbortSignal): Promise<ZendeskJobStatus> {
    if (!/^[A-Za-z0-9][A-Za-z0-9-]*$/.test(id)) throw new JobsError(`not a Zendesk job status id: ${JSON.stringify(id)}`);
    const { body } = await callApi(
      call,
      `GET /api/v2/job_statuses/${id}`,
      async (s) => {
        const response = await doFetch(`${base}/api/v2/job_statuses/${id}`, {
          headers: { Authorization: options.authorization, Accept: "application/json" },
          ...(s ? { signal: s } : {}),
        });
        const text = await response.text();
        return response.ok ? { data: text, response } : { error: text, response };
      },
      signal,
      { template: "GET /api/v2/job_statuses/{id}", read: jobStatus },
    );
    return body;
  }

  const target = (id: string): PollTarget<ZendeskJobStatus> => ({
    key: id,
    async check(signal) {
      const job = await get(id, signal);
      const status = (job.status ?? "").toLowerCase();
      const percent = job.total ? ((job.progress ?? 0) / job.total) * 100 : undefined;
      return {
        phase: PHASES[status] ?? "unknown",
        value: job,
        status,
        progressKey: `${status} ${job.progress} ${job.total}`,
        ...(percent !== undefined ? { progress: { percent, runningMs: 0 } } : {}),
      };
    },
    failure: (job) => new ZendeskJobFailedError(job),
    unreachable: () => unreachable(call, `Waiting for job ${id}`),
  });

  return {
    get,
    wait: (id, waitOptions = {}) =>
      engine.wait(target(id), { ...waitOptions, timeoutMs: waitOptions.timeoutMs ?? options.timeoutMs ?? DEFAULTS.zendeskTimeoutMs }),
    notify: (id) => engine.notify(id),
  };
}
