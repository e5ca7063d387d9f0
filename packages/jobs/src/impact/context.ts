import type { ApiSpec } from "@impactkit/core";
import type { PollPolicy } from "../base/defaults.js";
import type { Logger } from "../base/logger.js";
import type { Timing } from "../base/timing.js";
import type { PollEngine } from "../engine/poll-engine.js";
import type { CallContext, RateLimitEvent } from "../http/call-context.js";
import type { ExportQuotaStore } from "./export-quota.js";
import type { JobAges } from "./job-ages.js";
import type { ListObserver } from "./list-observer.js";
import type { VersionDrift } from "./version-drift.js";

/** The shape of an openapi-fetch client that the operations call, whatever its flavor. */
export interface LooseClient {
  GET(path: string, init: Record<string, unknown>): Promise<{ data?: unknown; error?: unknown; response: Response }>;
  PUT(path: string, init: Record<string, unknown>): Promise<{ data?: unknown; error?: unknown; response: Response }>;
  readonly spec: ApiSpec;
  readonly accountSid: string;
  readonly accountUrl: string;
  readonly transport: { fetch(input: string | URL | Request, init?: RequestInit): Promise<Response> };
}

declare const opaque: unique symbol;

/**
 * One client's shared state — its rate budget, its poll scheduler (one timer for every wait) and its options —
 * made by `jobsContext()` and given to the operations imported one by one (`waitForJob(context, id)`). Opaque:
 * what it holds is the package's own and changes without notice.
 */
export interface JobsContext {
  /** Only `jobsContext()` makes one. */
  readonly [opaque]: true;
  /** @internal */
  client: LooseClient;
  /** @internal */
  call: CallContext;
  /** @internal */
  engine: PollEngine;
  /** @internal How the waits observe their jobs: one Jobs list for many, a GET each for one. */
  observer: ListObserver;
  /** @internal When this instance created its latest jobs, for the first check of a wait. */
  ages: JobAges;
  /** @internal Overall deadline of a wait, in ms. */
  timeoutMs: number;
  /** @internal Whether a job in ERROR is waited through (impact.com retries it every 15 minutes) instead of failing the wait. */
  waitThroughError: boolean;
  /** @internal The fetch used for signed storage URLs: the client's transport, never its fetch, so no API credential can reach storage. */
  storageFetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  /** @internal Connections a download may open to storage at once for the parts of one result (1: one stream). */
  connections: number;
  /** @internal Says once when the server's Jobs show fields the package's spec does not know. */
  drift: VersionDrift;
  /** @internal Where the account's exports are counted against its daily quotas: the option, else one in memory made by the first export. */
  exportQuota: ExportQuotaStore | undefined;
}

/**
 * The behaviour of one `createJobs` instance and every call made through it: when and how often jobs are polled,
 * the deadlines and retries of waits, calls and transfers, how a download uses storage's connections, the
 * account's hourly rate limit (https://integrations.impact.com/impact-brand/reference/rate-limits) and daily
 * export quotas, where logs and rate-limit events go, and the clock tests give it.
 */
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
  /**
   * Where the account's exports are counted against its daily quotas (100 ReportExport and 10 ClickExport jobs
   * a day for partner and brand, `SPEC.traits.dailyExportLimits`; agency documents none and counts nothing): an
   * export over one rejects with `ExportQuotaError` before any request. impact.com does not document when the
   * day renews, so the default, one in-memory store per instance (`memoryExportQuota()`), counts each export for
   * the 24 hours after it — unless the server answers a 429 whose reset lies beyond the hour, which it follows.
   * Instances that share an account (a fleet) share one store.
   */
  exportQuota?: ExportQuotaStore;
  /** Clock, timers and randomness; injected by tests. */
  timing?: Timing;
}
