import type { ExportKind, Jobs, Logger } from "@impactkit/jobs";
import { type KeepJobs, Queue } from "bullmq";
import { Redis } from "ioredis";
import { createAccountBudget, type AccountBudgetOptions } from "./account-budget.js";
import { ATTEMPTS, DEFAULT_QUEUE_NAME, KEEP_COMPLETED_S, KEEP_FAILED_S, RETRY_BACKOFF_MS } from "./defaults.js";
import { checkRequest, jobIndexKey, pipelineId, type ExportRequest, type ExportSpec, type PipelineData, type PipelineResult } from "./export-pipeline.js";
import { redisExportQuota } from "./export-quota-store.js";
import { wholeNumber } from "./option-check.js";
import { RedisHealth } from "./redis-health.js";
import { queueTelemetry } from "./telemetry.js";

/**
 * The producer's side of a fleet (`createExportQueue`): the Redis and BullMQ queue its workers read, the flavors
 * they serve, the check each request passes before it is queued, how failed pipelines are retried and how long
 * finished ones are kept (https://docs.bullmq.io/guide/retrying-failing-jobs), and the budget `usage` reports.
 */
export interface ExportQueueOptions<F extends string> {
  /** Redis ≥ 6, e.g. `redis://127.0.0.1:6379` (the CLI reads `IMPACT_REDIS_URL`). */
  redisUrl: string;
  /** The flavors its workers serve (the keys of the worker's `clients`). */
  flavors: readonly F[];
  /** The BullMQ queue name (default `impactkit-exports`). */
  name?: string;
  /**
   * Checks each request before it reaches Redis, e.g. `(request) => checkExport(jobsOf(request), request.export)`
   * with a `createJobs` instance of its flavor and account. Without it only the request's shape is checked,
   * and the worker finds the rest (a failed pipeline).
   */
  check?: (request: ExportRequest<F>) => Promise<void>;
  /** Attempts of a pipeline whose step failed for a transient reason (default 5); a permanent failure fails it at once. */
  attempts?: number;
  /** The first retry's delay, doubling at each (default 5 s). */
  backoffMs?: number;
  /** Which finished pipelines are kept, with their result (default: a day; https://docs.bullmq.io/guide/queues/auto-removal-of-jobs). */
  removeOnComplete?: KeepJobs;
  /** Which failed pipelines are kept, with their reason (default: a week). */
  removeOnFail?: KeepJobs;
  /** Where a lost Redis connection is reported (one line when it goes, one when it is back). */
  logger?: Logger;
  /** The fleet's hourly budget per account, as its workers have it (for `usage`; default: the documented 1,000). */
  budget?: AccountBudgetOptions;
  /** BullMQ's OpenTelemetry spans for each pipeline added (bullmq-otel; default on, a no-op without an SDK). `false` turns them off. */
  telemetry?: boolean;
}

/** What an account has left, as the fleet counts it: requests this hour, and exports today where the flavor has daily quotas. */
export interface AccountUsage {
  requestsLeft: number;
  exportsLeft: Partial<Record<ExportKind, { left: number; limit: number; renewsAt?: number }>>;
}

/** What `add` did: queued the request, or found it there already — running, or finished with its result. */
export type AddedPipeline =
  | { id: string; status: "queued" | "rerun" }
  | { id: string; status: "waiting" | "active" | "delayed" | "prioritized" | "waiting-children" | "unknown" }
  | { id: string; status: "completed"; result: PipelineResult; finishedOn: number | undefined }
  | { id: string; status: "failed"; failedReason: string; finishedOn: number | undefined };

/** The producer's handle on a fleet's queue, as `createExportQueue` returns it: queues pipelines, wakes them, reports usage. */
export interface ExportQueue<F extends string> {
  /** The BullMQ queue, for dashboards (bull-board) and counts: it holds pipelines only. */
  readonly queue: Queue<PipelineData<F>, PipelineResult>;
  /**
   * Queues an export pipeline. The same request while it is queued or running is that pipeline (its state
   * comes back, nothing is queued); once it finished, its result or failure comes back (`completed`,
   * `failed`), unless `rerun` queues it again.
   */
  add(request: ExportRequest<F>, options?: { rerun?: boolean }): Promise<AddedPipeline>;
  /**
   * Wakes the pipeline waiting for impact.com job `jobId` (a Job Completion Event came): `"woken"` when it
   * slept in the delayed set and checks now, `"busy"` when it is in a step already, `"unknown"` when no
   * pipeline of this queue exported that job.
   */
  wake(jobId: string): Promise<"woken" | "busy" | "unknown">;
  /** What `account` has left; `limits` are its flavor's daily quotas (`SPEC.traits.dailyExportLimits`), if it has any. */
  usage(account: string, limits?: Partial<Record<ExportKind, number>> | null): Promise<AccountUsage>;
  /** Closes the queue's Redis connections. */
  close(): Promise<void>;
}

/**
 * Checks an export against what its flavor knows of it: the parameters its spec requires, ClickExport where
 * the flavor has it, and, where the flavor documents report discovery, the report's filters (one metadata
 * request with `jobs`' credentials; `metadata: false` checks the spec only). Rejects with an
 * `InvalidArgumentError` naming the parameter.
 */
export async function checkExport<P extends {}>(jobs: Jobs<P>, spec: ExportSpec, options: { metadata?: boolean; signal?: AbortSignal } = {}): Promise<void> {
  if ("report" in spec) return jobs.checkReportExport(spec.report, spec.params as never, options);
  jobs.checkClickExport(spec.clicks as never);
}

/** The producer side: validates requests and queues them as BullMQ jobs whose id is the request's digest. */
export function createExportQueue<F extends string>(options: ExportQueueOptions<F>): ExportQueue<F> {
  const attempts = wholeNumber(options.attempts, "attempts", 1) ?? ATTEMPTS;
  const backoffMs = wholeNumber(options.backoffMs, "backoffMs", 0) ?? RETRY_BACKOFF_MS;
  const health = RedisHealth.of(options.redisUrl, options.logger);
  const connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  health.watchConnection(connection);
  const name = options.name ?? DEFAULT_QUEUE_NAME;
  const telemetry = queueTelemetry({ telemetry: options.telemetry !== false });
  const queue = new Queue<PipelineData<F>, PipelineResult>(name, { connection, ...(telemetry ? { telemetry } : {}) });
  health.watch(queue);
  const budget = createAccountBudget(connection, options.budget);
  const jobOptions = {
    attempts,
    backoff: { type: "exponential", delay: backoffMs },
    removeOnComplete: options.removeOnComplete ?? { age: KEEP_COMPLETED_S },
    removeOnFail: options.removeOnFail ?? { age: KEEP_FAILED_S },
  };
  return {
    queue,
    async add(request, addOptions = {}) {
      checkRequest(request, options.flavors);
      await options.check?.(request);
      const id = pipelineId(request);
      const existing = await queue.getJob(id);
      if (existing) {
        const status = await existing.getState();
        if (status !== "completed" && status !== "failed") return { id, status };
        if (!addOptions.rerun)
          return status === "completed"
            ? { id, status, result: existing.returnvalue, finishedOn: existing.finishedOn }
            : { id, status, failedReason: existing.failedReason, finishedOn: existing.finishedOn };
        await existing.remove();
      }
      const { flavor, account, export: spec, to } = request;
      await queue.add("export", { flavor, account, export: spec, to, checks: 0 }, { ...jobOptions, jobId: id });
      return { id, status: existing ? "rerun" : "queued" };
    },
    async wake(jobId) {
      const id = await connection.get(jobIndexKey(name, jobId));
      const pipeline = id === null ? undefined : await queue.getJob(id);
      if (!pipeline) return "unknown";
      if ((await pipeline.getState()) !== "delayed") return "busy";
      await pipeline.promote();
      return "woken";
    },
    async usage(account, limits) {
      const quota = redisExportQuota(connection, account);
      const exportsLeft: AccountUsage["exportsLeft"] = {};
      for (const [kind, limit] of Object.entries(limits ?? {}) as [ExportKind, number][])
        exportsLeft[kind] = { ...(await quota.left(kind, limit, Date.now())), limit };
      return { requestsLeft: await budget.remaining(account), exportsLeft };
    },
    async close() {
      await queue.close();
      connection.disconnect();
    },
  };
}
