import type { ImpactClient } from "@impactkit/core";
import { createJobs, FAILED_STATUSES, type Job as ImpactJob, type Jobs, type JobsOptions } from "@impactkit/jobs";
import { DelayedError, Queue, UnrecoverableError, Worker, type Job as QueueJob } from "bullmq";
import { Redis } from "ioredis";
import { AccountBudgetError } from "./account-budget-error.js";
import { createAccountBudget, type AccountBudgetOptions } from "./account-budget.js";
import { AccountObservers, type ObserverData } from "./account-observer.js";
import { budgetedFetch } from "./budgeted-fetch.js";
import {
  BUDGET_WAKE_SPREAD_MS,
  CONCURRENCY,
  DEFAULT_QUEUE_NAME,
  JOB_INDEX_TTL_S,
  LIST_TICK_MS,
  LOCK_DURATION_MS,
  MAX_STALLED,
  observedCheckDelay,
  unobservedCheckDelay,
} from "./defaults.js";
import { jobIndexKey, type PipelineData, type PipelineResult } from "./export-pipeline.js";

/** The client of one flavor for `account`, sending through `fetch` (the fleet budget's). Credentials come from the worker's own configuration. */
// biome-ignore lint/suspicious/noExplicitAny: a factory may return a client of any flavor; createJobs checks its paths.
export type ClientFactory = (account: string, fetch: (input: Request) => Promise<Response>) => ImpactClient<any>;

export interface ExportWorkerOptions<F extends string> {
  redisUrl: string;
  /** One factory per flavor the worker serves, keyed by the flavor names requests use. */
  clients: Record<F, ClientFactory>;
  /** The BullMQ queue name (default `impactkit-exports`). */
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
  /** Options of the `createJobs` instance each step uses. */
  jobs?: JobsOptions;
}

export interface ExportWorker {
  readonly worker: Worker<PipelineData | ObserverData, PipelineResult | number>;
  close(): Promise<void>;
}

/** Where the list's window starts for a job: its creation as the server's clock says, else now. */
const createdAt = (job: ImpactJob) => job.CreatedDate?.getTime() ?? Date.now();

/**
 * Runs pipelines as BullMQ step jobs (https://docs.bullmq.io/patterns/process-step-jobs): schedules the
 * export and records its job id, looks at the job, and while it runs moves itself to the delayed set until
 * its next check (`moveToDelayed` + `DelayedError`) — no timer nor slot held in a process, so that any
 * worker picks it up, a dead one included — then downloads to a temporary file, resumable from another
 * worker, published by rename when complete. Every request takes its token from the account's budget in
 * Redis; a spent budget or a 429 puts that account's pipeline back to sleep until it renews.
 */
export function createExportWorker<F extends string>(options: ExportWorkerOptions<F>): ExportWorker {
  const connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  const budget = createAccountBudget(connection, options.budget);
  const observe = options.observe ?? true;
  const checkDelay = options.checkDelayMs ?? (observe ? observedCheckDelay : unobservedCheckDelay);
  const name = options.name ?? DEFAULT_QUEUE_NAME;
  const queue = new Queue(name, { connection });
  const observers = new AccountObservers(connection, queue, options.listTickMs ?? LIST_TICK_MS);
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
    const jobs = createJobs(client, options.jobs) as unknown as Jobs<{}>;
    instances.set(key, jobs);
    return jobs;
  };
  /** Ends the step with the BullMQ job asleep in the delayed set until `at`. */
  const sleepUntil = async (job: QueueJob, at: number, token: string | undefined): Promise<never> => {
    await job.moveToDelayed(Math.round(at), token);
    throw new DelayedError();
  };
  const pipelineStep = async (job: QueueJob<PipelineData, PipelineResult>, token?: string): Promise<PipelineResult> => {
    const jobs = jobsFor(job.data);
    let { jobId } = job.data;
    if (jobId === undefined) {
      // impact.com answers an identical ReportExport or ClickExport with the job it already made
      // (https://integrations.impact.com/impact-brand/reference/schedule-reports-with-reportexport-and-clickexport):
      // a step killed before it recorded the job id schedules nothing new when it is run again.
      const spec = job.data.export;
      const handle = "report" in spec ? await jobs.exportReport(spec.report, spec.params as never) : await jobs.exportClicks(spec.clicks as never);
      jobId = handle.id;
      await job.updateData({ ...job.data, jobId });
      if (job.id) await connection.set(jobIndexKey(name, jobId), job.id, "EX", JOB_INDEX_TTL_S);
    }
    const seen = await jobs.get(jobId);
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
    const result = await jobs.download(jobId, { to: job.data.to, overwrite: true, resume: true });
    return { jobId, path: result.path, bytes: result.bytes };
  };
  const observerStep = async (job: QueueJob<ObserverData, number>, token?: string): Promise<number> => {
    let next = Date.now() + observers.tickMs;
    try {
      if ((await observers.tick(job.data, jobsFor(job.data))) === 0) return 0;
    } catch (error) {
      // The observer never fails (a failed one would block its id): it tries again at the next tick, or when the budget renews.
      if (error instanceof AccountBudgetError) next = Math.max(next, Date.now() + error.retryInMs);
      else
        options.jobs?.logger?.warn(
          `the observer of account ${job.data.account} could not list its jobs: ${(error as Error).message}; it tries again at its next tick`,
          { account: job.data.account },
        );
    }
    return sleepUntil(job, next, token);
  };
  const processor = async (job: QueueJob<PipelineData | ObserverData, PipelineResult | number>, token?: string): Promise<PipelineResult | number> => {
    try {
      return job.name === "observe"
        ? await observerStep(job as QueueJob<ObserverData, number>, token)
        : await pipelineStep(job as QueueJob<PipelineData, PipelineResult>, token);
    } catch (error) {
      if (!(error instanceof AccountBudgetError)) throw error;
      await job.updateProgress({ status: "BUDGET", retryInMs: error.retryInMs });
      return sleepUntil(job, Date.now() + error.retryInMs + Math.random() * BUDGET_WAKE_SPREAD_MS, token);
    }
  };
  const worker = new Worker<PipelineData | ObserverData, PipelineResult | number>(name, processor, {
    connection,
    concurrency: options.concurrency ?? CONCURRENCY,
    lockDuration: options.lockDurationMs ?? LOCK_DURATION_MS,
    stalledInterval: options.lockDurationMs ?? LOCK_DURATION_MS,
    maxStalledCount: MAX_STALLED,
  });
  const { logger } = options.jobs ?? {};
  if (logger) worker.on("error", (error) => logger.warn(`worker: ${error.message}`));
  return {
    worker,
    async close() {
      await worker.close();
      await queue.close();
      connection.disconnect();
    },
  };
}
