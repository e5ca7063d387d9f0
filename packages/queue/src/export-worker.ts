import type { ImpactClient } from "@impactkit/core";
import { createJobs, type Jobs, type JobsOptions } from "@impactkit/jobs";
import { DelayedError, UnrecoverableError, Worker, type Job as QueueJob } from "bullmq";
import { Redis } from "ioredis";
import { createAccountBudget, type AccountBudgetOptions } from "./account-budget.js";
import { budgetedFetch } from "./budgeted-fetch.js";
import { JOB_INDEX_TTL_S, jobIndexKey, type PipelineData, type PipelineResult } from "./export-pipeline.js";
import { DEFAULT_QUEUE_NAME } from "./export-queue.js";

/** The client of one flavor for `account`, sending through `fetch` (the fleet budget's). Credentials come from the worker's own configuration. */
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
   * How long after its `checks`-th check a running job is looked at again (default 5 s, then ×1.5 up to
   * 60 s — impact.com jobs take seconds to minutes). The pipeline sleeps in Redis meanwhile; a Job
   * Completion Event (`completionEventHandler`) wakes it at once, so with postbacks this can be long.
   */
  checkDelayMs?: (checks: number) => number;
  /** Options of the `createJobs` instance each step uses. */
  jobs?: JobsOptions;
}

export interface ExportWorker {
  readonly worker: Worker<PipelineData, PipelineResult>;
  close(): Promise<void>;
}

const defaultCheckDelay = (checks: number) => Math.min(60_000, 5_000 * 1.5 ** checks);

/**
 * Runs pipelines as BullMQ step jobs (https://docs.bullmq.io/patterns/process-step-jobs): schedules the
 * export once and records its job id, looks at the job, and while it runs moves itself to the delayed
 * set until its next check (`moveToDelayed` + `DelayedError`) — no timer nor slot held in a process, so
 * that any worker picks it up, a dead one included — then downloads to a temporary file published by
 * rename when complete. Every request takes its token from the account's budget in Redis.
 */
export function createExportWorker<F extends string>(options: ExportWorkerOptions<F>): ExportWorker {
  const connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  const budget = createAccountBudget(connection, options.budget);
  const checkDelay = options.checkDelayMs ?? defaultCheckDelay;
  const name = options.name ?? DEFAULT_QUEUE_NAME;
  /** One `createJobs` instance per flavor and account, made on its first step: its rate state lives on between steps. */
  const instances = new Map<string, Jobs<{}>>();
  const jobsFor = ({ flavor, account }: PipelineData): Jobs<{}> => {
    const key = `${flavor} ${account}`;
    const known = instances.get(key);
    if (known) return known;
    const factory = options.clients[flavor as F];
    if (!factory) throw new UnrecoverableError(`this worker serves no flavor ${JSON.stringify(flavor)}`);
    const client: ImpactClient<any> = factory(account, budgetedFetch(budget, account, () => client.spec.api));
    const jobs = createJobs(client, options.jobs) as unknown as Jobs<{}>;
    instances.set(key, jobs);
    return jobs;
  };
  const processor = async (job: QueueJob<PipelineData, PipelineResult>, token?: string): Promise<PipelineResult> => {
    const jobs = jobsFor(job.data);
    let { jobId } = job.data;
    if (jobId === undefined) {
      const spec = job.data.export;
      const handle = "report" in spec ? await jobs.exportReport(spec.report, spec.params as never) : await jobs.exportClicks(spec.clicks as never);
      jobId = handle.id;
      await job.updateData({ ...job.data, jobId });
      if (job.id) await connection.set(jobIndexKey(name, jobId), job.id, "EX", JOB_INDEX_TTL_S);
    }
    const seen = await jobs.get(jobId);
    if (seen.Status === "FAILED" || seen.Status === "CANCELLED" || seen.Status === "ERROR") throw new UnrecoverableError(`impact.com job ${jobId} is ${seen.Status}: ${seen.StatusMessage ?? "no message"}`);
    if (seen.Status !== "COMPLETED") {
      const checks = job.data.checks + 1;
      await job.updateData({ ...job.data, checks });
      await job.updateProgress({ status: seen.Status, percent: seen.PercentageComplete ?? 0 });
      await job.moveToDelayed(Date.now() + checkDelay(checks), token);
      throw new DelayedError();
    }
    const result = await jobs.download(jobId, { to: job.data.to, overwrite: true });
    return { jobId, path: result.path, bytes: result.bytes };
  };
  const worker = new Worker<PipelineData, PipelineResult>(name, processor, { connection, concurrency: options.concurrency ?? 4 });
  return {
    worker,
    async close() {
      await worker.close();
      connection.disconnect();
    },
  };
}
