import type { ImpactClient } from "@impactkit/core";
import {
  createJobs,
  ExportQuotaError,
  FAILED_STATUSES,
  RateLimitWaitError,
  type Job as ImpactJob,
  type Jobs,
  type JobsOptions,
  type Logger,
} from "@impactkit/jobs";
import { DelayedError, Queue, UnrecoverableError, Worker, type Job as QueueJob } from "bullmq";
import { Redis } from "ioredis";
import { AccountBudgetError } from "./account-budget-error.js";
import { createAccountBudget, type AccountBudgetOptions } from "./account-budget.js";
import { AccountObservers, type ObserverData } from "./account-observer.js";
import { budgetedFetch } from "./budgeted-fetch.js";
import {
  BUDGET_WAKE_SPREAD_MS,
  CLOSE_TIMEOUT_MS,
  CONCURRENCY,
  DEFAULT_QUEUE_NAME,
  JOB_INDEX_TTL_S,
  LIST_TICK_MS,
  LOCK_DURATION_MS,
  MAX_STALLED,
  METRICS_DATA_POINTS,
  observedCheckDelay,
  observersQueueName,
  unobservedCheckDelay,
} from "./defaults.js";
import { say } from "./log-levels.js";
import { jobIndexKey, type PipelineData, type PipelineResult } from "./export-pipeline.js";
import { redisExportQuota } from "./export-quota-store.js";
import { wholeNumber } from "./option-check.js";
import { RedisHealth } from "./redis-health.js";
import { stepFailure } from "./step-failure.js";
import { queueTelemetry, registerQueueMetrics, stepSpan } from "./telemetry.js";

/** The client of one flavor for `account`, sending through `fetch` (the fleet budget's). Credentials come from the worker's own configuration. */
// biome-ignore lint/suspicious/noExplicitAny: a factory may return a client of any flavor; createJobs checks its paths.
export type ClientFactory = (account: string, fetch: (input: Request) => Promise<Response>) => ImpactClient<any>;

/**
 * A worker of the fleet (`createExportWorker`): its Redis and BullMQ queue, the client factory of each flavor
 * (the credentials stay in the worker's configuration), how many pipelines it runs and how it watches their
 * jobs, the shared hourly budget, locks and shutdown, logging, OpenTelemetry, and the options of the
 * `createJobs` instances its steps use.
 */
export interface ExportWorkerOptions<F extends string> {
  /** Redis ≥ 6, e.g. `redis://127.0.0.1:6379` (the CLI reads `IMPACT_REDIS_URL`). */
  redisUrl: string;
  /** One factory per flavor the worker serves, keyed by the flavor names requests use. */
  clients: Record<F, ClientFactory>;
  /** The BullMQ queue name (default `impactkit-exports`); the observers use `<name>-observers`. */
  name?: string;
  /** Pipelines run at once by this worker (default 4). A waiting pipeline holds no slot. */
  concurrency?: number;
  /** The fleet-wide hourly budget per account (default: the documented 1,000). */
  budget?: AccountBudgetOptions;
  /**
   * Watch each account's running jobs with one Jobs list per tick for the whole fleet (default true): the
   * account's observer wakes a pipeline when its job finished, and pipelines check their jobs themselves
   * only as a safety net (`checkDelayMs`).
   */
  observe?: boolean;
  /** The observers' tick (default 20 s: 180 list requests an hour per account with running jobs). */
  listTickMs?: number;
  /**
   * How long after its `checks`-th check a running job is looked at again by its pipeline (default with
   * `observe`: 10 min, ×1.5 up to 30 min; without: 5 s, ×1.5 up to 60 s). The pipeline sleeps in Redis
   * meanwhile; an observer or a Job Completion Event (`completionEventHandler`) wakes it at once.
   */
  checkDelayMs?: (checks: number) => number;
  /** How long a step's lock lasts without renewal (default 30 s): a killed worker's step is taken over after it. */
  lockDurationMs?: number;
  /**
   * Where the worker reports a failed attempt (`warn`), a failed pipeline (`error`, else `warn`) and a lost
   * Redis (one line when it goes, one when it is back); each `createJobs` instance reports to it too, unless
   * `jobs.logger` says otherwise. Without one the worker prints nothing.
   */
  logger?: Logger;
  /** Close on SIGTERM and SIGINT (default false; the CLI's `queue worker` sets it): steps finish, then the worker ends. */
  handleSignals?: boolean;
  /** How long `close()` lets the steps in progress finish before it ends them (default 30 s): they are checkpointed, another worker resumes them. */
  closeTimeoutMs?: number;
  /**
   * OpenTelemetry (default on; a no-op unless the application registers an SDK): BullMQ's spans (bullmq-otel),
   * a span per pipeline step around the API calls' spans, and gauges of requests left per account, exports left
   * today and pipelines by state. `false` turns it off.
   */
  telemetry?: boolean;
  /**
   * Options of the `createJobs` instance each step uses. Steps never wait for a rate limit (`maxRateLimitWaitMs`
   * is 0): a pipeline that would moves to the delayed set until it renews. Daily export quotas are counted in
   * Redis for the whole fleet.
   */
  jobs?: Omit<JobsOptions, "maxRateLimitWaitMs" | "exportQuota">;
}

/** A running worker, as `createExportWorker` returns it: its BullMQ worker, and how to stop it. */
export interface ExportWorker {
  /** The BullMQ worker of the pipelines. */
  readonly worker: Worker<PipelineData, PipelineResult>;
  /** Resolves once the worker closed, by `close()` or a signal (`handleSignals`). */
  readonly closed: Promise<void>;
  /** Stops taking pipelines, lets the steps in progress finish (up to `closeTimeoutMs`), and closes the connections. */
  close(): Promise<void>;
}

/** Where the list's window starts for a job: its creation as the server's clock says, else now. */
const createdAt = (job: ImpactJob) => job.CreatedDate?.getTime() ?? Date.now();

/** Why a step stopped without failing: what the pipeline's `progress` says, and for how long it sleeps. */
interface Deferral {
  progress: Record<string, unknown> & { status: "BUDGET" | "QUOTA" };
  waitMs: number;
}

/**
 * Runs pipelines as BullMQ step jobs (https://docs.bullmq.io/patterns/process-step-jobs): schedules the
 * export and records its job id, looks at the job, and while it runs moves itself to the delayed set until
 * its next check (`moveToDelayed` + `DelayedError`) — no timer nor slot held in a process, so that any
 * worker picks it up, a dead one included — then downloads to a temporary file, resumable from another
 * worker, published by rename when complete. Every request takes its token from the account's budget in
 * Redis; a spent budget, a 429, a rate-limit wait or a spent daily export quota puts that account's
 * pipeline back to sleep until it renews. A permanent failure (a 4xx, a refused export) fails the pipeline
 * at once; transient ones are retried with backoff.
 */
export function createExportWorker<F extends string>(options: ExportWorkerOptions<F>): ExportWorker {
  const concurrency = wholeNumber(options.concurrency, "concurrency", 1) ?? CONCURRENCY;
  const lockDuration = wholeNumber(options.lockDurationMs, "lockDurationMs", 1) ?? LOCK_DURATION_MS;
  const closeTimeoutMs = wholeNumber(options.closeTimeoutMs, "closeTimeoutMs", 0) ?? CLOSE_TIMEOUT_MS;
  const logger = options.logger ?? options.jobs?.logger;
  const health = RedisHealth.of(options.redisUrl, logger);
  const connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  health.watchConnection(connection);
  const budget = createAccountBudget(connection, options.budget);
  const observe = options.observe ?? true;
  const checkDelay = options.checkDelayMs ?? (observe ? observedCheckDelay : unobservedCheckDelay);
  const name = options.name ?? DEFAULT_QUEUE_NAME;
  const pipelines = new Queue(name, { connection });
  const observerQueue = new Queue(observersQueueName(name), { connection });
  for (const queue of [pipelines, observerQueue]) health.watch(queue);
  const observers = new AccountObservers(connection, pipelines, observerQueue, options.listTickMs ?? LIST_TICK_MS);
  /** Aborted when close() has waited closeTimeoutMs for the steps in progress: they end, and another worker resumes them. */
  const stopping = new AbortController();
  const { signal } = stopping;
  /** The time of the `createJobs` instances (a test's clock), in which their errors say when things renew. */
  const jobsNow = () => options.jobs?.timing?.now() ?? Date.now();
  /** One `createJobs` instance per flavor and account, made on its first step: its rate state lives on between steps. */
  const instances = new Map<string, Jobs<{}>>();
  const jobsFor = ({ flavor, account }: ObserverData): Jobs<{}> => {
    const key = `${flavor} ${account}`;
    const known = instances.get(key);
    if (known) return known;
    const factory = options.clients[flavor as F];
    if (!factory) throw new UnrecoverableError(`this worker serves no flavor ${JSON.stringify(flavor)}`);
    // Every call takes its token from the account's budget, then goes out through the client's own transport (its proxy and limits).
    // biome-ignore lint/suspicious/noExplicitAny: the flavor is chosen at run time.
    const client: ImpactClient<any> = factory(
      account,
      budgetedFetch(
        budget,
        account,
        () => client.spec.traits.rateLimitHeaders,
        (request) => client.transport.fetch(request),
      ),
    );
    const jobs = createJobs(client, {
      ...(logger ? { logger } : {}),
      ...options.jobs,
      maxRateLimitWaitMs: 0,
      exportQuota: redisExportQuota(connection, account),
    }) as unknown as Jobs<{}>;
    instances.set(key, jobs);
    return jobs;
  };
  /** Ends the step with the BullMQ job asleep in the delayed set until `at`. */
  const sleepUntil = async (job: QueueJob, at: number, token: string | undefined): Promise<never> => {
    await job.moveToDelayed(Math.round(at), token);
    throw new DelayedError();
  };
  /** A step that met a spent budget, a rate-limit wait or a spent daily quota: the pipeline sleeps until it renews. */
  const deferral = (error: unknown): Deferral | undefined => {
    if (error instanceof AccountBudgetError)
      return { progress: { status: "BUDGET", retryInMs: error.retryInMs, until: Date.now() + error.retryInMs }, waitMs: error.retryInMs };
    if (error instanceof RateLimitWaitError)
      return { progress: { status: "BUDGET", retryInMs: error.waitMs, until: Date.now() + error.waitMs }, waitMs: error.waitMs };
    if (error instanceof ExportQuotaError) {
      const waitMs = Math.max(0, error.renewsAt - jobsNow());
      return { progress: { status: "QUOTA", kind: error.kind, limit: error.limit, until: Date.now() + waitMs }, waitMs };
    }
    return undefined;
  };
  const pipelineStep = async (job: QueueJob<PipelineData, PipelineResult>, token?: string): Promise<PipelineResult> => {
    const jobs = jobsFor(job.data);
    let { jobId } = job.data;
    if (jobId === undefined) {
      // impact.com answers an identical ReportExport or ClickExport with the job it already made
      // (https://integrations.impact.com/impact-brand/reference/schedule-reports-with-reportexport-and-clickexport):
      // a step killed before it recorded the job id schedules nothing new when it is run again.
      const spec = job.data.export;
      const handle =
        "report" in spec ? await jobs.exportReport(spec.report, spec.params as never, { signal }) : await jobs.exportClicks(spec.clicks as never, { signal });
      jobId = handle.id;
      await job.updateData({ ...job.data, jobId });
      if (job.id) await connection.set(jobIndexKey(name, jobId), job.id, "EX", JOB_INDEX_TTL_S);
    }
    const seen = await jobs.get(jobId, { signal });
    if (FAILED_STATUSES.has(seen.Status)) {
      await observers.forget(job.data, jobId);
      throw new UnrecoverableError(`impact.com job ${jobId} is ${seen.Status}: ${seen.StatusMessage ?? "no message"}`);
    }
    if (seen.Status !== "COMPLETED") {
      const checks = job.data.checks + 1;
      await job.updateData({ ...job.data, checks });
      await job.updateProgress({ status: seen.Status, percent: seen.PercentageComplete ?? 0 });
      if (observe && job.id) await observers.watch(job.data, jobId, { pipeline: job.id, createdAt: createdAt(seen) });
      return sleepUntil(job, Date.now() + checkDelay(checks), token);
    }
    await observers.forget(job.data, jobId);
    const result = await jobs.download(jobId, { to: job.data.to, overwrite: true, resume: true, signal });
    await connection.del(jobIndexKey(name, jobId));
    return { jobId, path: result.path, bytes: result.bytes };
  };
  const observerStep = async (job: QueueJob<ObserverData, number>, token?: string): Promise<number> => {
    let next = Date.now() + observers.tickMs;
    try {
      if ((await observers.tick(job.data, jobsFor(job.data), signal)) === 0) return 0;
    } catch (error) {
      // The observer never fails (a failed one would block its id): it tries again at the next tick, or when the budget renews.
      const deferred = deferral(error);
      if (deferred) next = Math.max(next, Date.now() + deferred.waitMs);
      else if (!signal.aborted)
        logger?.warn(`the observer of account ${job.data.account} could not list its jobs: ${(error as Error).message}; it tries again at its next tick`, {
          account: job.data.account,
        });
    }
    return sleepUntil(job, next, token);
  };
  const stepAttributes = (job: QueueJob<ObserverData>) => ({
    "impactkit.flavor": job.data.flavor,
    "impactkit.account": job.data.account,
    "bullmq.job.id": job.id ?? "",
  });
  const pipelineProcessor = async (job: QueueJob<PipelineData, PipelineResult>, token?: string): Promise<PipelineResult> => {
    try {
      return await stepSpan("impactkit pipeline step", stepAttributes(job), () => pipelineStep(job, token));
    } catch (error) {
      // Ended by close() after closeTimeoutMs: the pipeline goes back to the delayed set, due now, for another worker.
      if (signal.aborted) return sleepUntil(job, Date.now(), token);
      const deferred = deferral(error);
      if (!deferred) throw stepFailure(error);
      await job.updateProgress(deferred.progress);
      return sleepUntil(job, Date.now() + deferred.waitMs + Math.random() * BUDGET_WAKE_SPREAD_MS, token);
    }
  };
  const telemetry = queueTelemetry({ telemetry: options.telemetry !== false });
  const worker = new Worker<PipelineData, PipelineResult>(name, pipelineProcessor, {
    connection,
    ...(telemetry ? { telemetry } : {}),
    concurrency,
    lockDuration,
    stalledInterval: lockDuration,
    maxStalledCount: MAX_STALLED,
    metrics: { maxDataPoints: METRICS_DATA_POINTS },
  });
  const observerWorker = new Worker<ObserverData, number>(
    observersQueueName(name),
    (job, token) => stepSpan("impactkit observer step", stepAttributes(job), () => observerStep(job, token)),
    {
      connection,
      concurrency: 2,
      lockDuration,
      stalledInterval: lockDuration,
      maxStalledCount: MAX_STALLED,
    },
  );
  for (const each of [worker, observerWorker]) health.watch(each);
  const unregisterMetrics =
    options.telemetry === false
      ? () => undefined
      : registerQueueMetrics({
          accounts: () => [...new Set([...instances.keys()].map((key) => key.split(" ")[1]!))],
          requestsLeft: (account) => budget.remaining(account),
          exportsLeft: async (account) => {
            const left: Record<string, number> = {};
            // Each instance of the account counts in the account's one Redis store, with its flavor's limits.
            for (const [key, jobs] of instances) {
              if (key.split(" ")[1] !== account) continue;
              for (const [kind, status] of Object.entries(await jobs.exportQuota())) if (status) left[kind] = status.left;
            }
            return left;
          },
          pipelineCounts: () => pipelines.getJobCounts("waiting", "active", "delayed", "completed", "failed"),
        });
  worker.on("failed", (job, error) => {
    if (!job) return;
    const attempts = job.opts.attempts ?? 1;
    const what = `pipeline ${job.id} (${job.data.flavor} ${job.data.account})`;
    if (error.name === "UnrecoverableError" || job.attemptsMade >= attempts) {
      say(logger, "error", `${what} failed: ${error.message}`, { pipeline: job.id, attempts: job.attemptsMade });
      if (job.data.jobId) void connection.del(jobIndexKey(name, job.data.jobId)).catch(() => undefined);
    } else
      logger?.warn(`${what}: attempt ${job.attemptsMade} of ${attempts} failed: ${error.message}; it is retried with backoff`, {
        pipeline: job.id,
        attempts: job.attemptsMade,
      });
  });
  let closed!: () => void;
  const done = new Promise<void>((resolve) => {
    closed = resolve;
  });
  const stopOnSignal = () => void close();
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      process.off("SIGTERM", stopOnSignal);
      process.off("SIGINT", stopOnSignal);
      unregisterMetrics();
      const timers: ReturnType<typeof setTimeout>[] = [];
      const late = () => new Promise<"late">((resolve) => void timers.push(setTimeout(resolve, closeTimeoutMs, "late")));
      const graceful = Promise.all([worker.close(), observerWorker.close(), pipelines.close(), observerQueue.close()]).then(() => "closed" as const);
      if ((await Promise.race([graceful, late()])) === "late") {
        logger?.warn(`steps still running ${closeTimeoutMs} ms after close(): ending them; another worker resumes them`);
        stopping.abort(new Error("the worker is closing"));
        // BullMQ's close may never end while a connection of its reconnects (https://github.com/taskforcesh/bullmq/issues/4656): bounded too.
        if ((await Promise.race([graceful, late()])) === "late") logger?.warn("BullMQ did not close in time: its connections are dropped");
      }
      for (const timer of timers) clearTimeout(timer);
      connection.disconnect();
      closed();
    })();
    return closing;
  };
  if (options.handleSignals) {
    process.once("SIGTERM", stopOnSignal);
    process.once("SIGINT", stopOnSignal);
  }
  return { worker, closed: done, close };
}
