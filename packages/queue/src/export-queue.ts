import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { ATTEMPTS, DEFAULT_QUEUE_NAME, RETRY_BACKOFF_MS } from "./defaults.js";
import { checkRequest, jobIndexKey, pipelineId, type ExportRequest, type PipelineData, type PipelineResult } from "./export-pipeline.js";

export interface ExportQueueOptions<F extends string> {
  /** Redis ≥ 6, e.g. `redis://127.0.0.1:6379` (the CLI reads `IMPACT_REDIS_URL`). */
  redisUrl: string;
  /** The flavors its workers serve (the keys of the worker's `clients`). */
  flavors: readonly F[];
  /** The BullMQ queue name (default `impactkit-exports`). */
  name?: string;
}

export interface ExportQueue<F extends string> {
  /** The BullMQ queue, for dashboards (bull-board) and counts. */
  readonly queue: Queue<PipelineData<F>, PipelineResult>;
  /** Queues an export pipeline; resolves with its id. Adding the same request again returns the same id and queues nothing. */
  add(request: ExportRequest<F>): Promise<string>;
  /**
   * Wakes the pipeline waiting for impact.com job `jobId` (a Job Completion Event came): `"woken"` when it
   * slept in the delayed set and checks now, `"busy"` when it is in a step already, `"unknown"` when no
   * pipeline of this queue exported that job.
   */
  wake(jobId: string): Promise<"woken" | "busy" | "unknown">;
  close(): Promise<void>;
}

/** The producer side: validates requests and queues them as BullMQ jobs whose id is the request's digest. */
export function createExportQueue<F extends string>(options: ExportQueueOptions<F>): ExportQueue<F> {
  const connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  const name = options.name ?? DEFAULT_QUEUE_NAME;
  const queue = new Queue<PipelineData<F>, PipelineResult>(name, { connection });
  return {
    queue,
    async add(request) {
      checkRequest(request, options.flavors);
      const id = pipelineId(request);
      const { flavor, account, export: spec, to } = request;
      await queue.add(
        "export",
        { flavor, account, export: spec, to, checks: 0 },
        { jobId: id, attempts: ATTEMPTS, backoff: { type: "exponential", delay: RETRY_BACKOFF_MS } },
      );
      return id;
    },
    async wake(jobId) {
      const id = await connection.get(jobIndexKey(name, jobId));
      const pipeline = id === null ? undefined : await queue.getJob(id);
      if (!pipeline) return "unknown";
      if ((await pipeline.getState()) !== "delayed") return "busy";
      await pipeline.promote();
      return "woken";
    },
    async close() {
      await queue.close();
      connection.disconnect();
    },
  };
}
