import type { Jobs } from "@impactkit/jobs";
import type { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { FAILED_STATUSES } from "@impactkit/jobs";

/**
 * The fleet's one observer per account: a BullMQ job of the observers' own queue (`<name>-observers`, so that
 * counts and dashboards of the pipelines' queue show pipelines only; id `observe-<flavor>-<account>`, so that
 * adding it again while it exists adds nothing) that lists the account's jobs once per tick — one `GET /Jobs` and its
 * pages for all of the account's waiting pipelines, whichever worker runs them — and wakes each pipeline
 * whose job the list shows finished. Between ticks it sleeps in the delayed set like a pipeline; with no
 * pipeline left waiting it ends.
 */
export interface ObserverData {
  flavor: string;
  account: string;
}

/** What a waiting pipeline leaves for the observer: its id and when its job was created (the list's window). */
interface WaitingEntry {
  pipeline: string;
  createdAt: number;
}

/** The Redis hash of `account`'s waiting pipelines: impact.com job id (lower case) → `WaitingEntry`. */
const waitingKey = (queueName: string, { flavor, account }: ObserverData) => `impactkit:${queueName}:waiting:${flavor}:${account}`;

export const observerJobId = ({ flavor, account }: ObserverData): string => `observe-${flavor}-${account}`;

/** The list reaches back this far before the oldest waiting job: it takes whole days (UTC), and clocks differ. */
const WINDOW_MARGIN_MS = 86_400_000;

export class AccountObservers {
  readonly #redis: Redis;
  readonly #pipelines: Queue;
  readonly #observers: Queue;
  /** How long an observer sleeps between two lists. */
  readonly tickMs: number;

  constructor(redis: Redis, pipelines: Queue, observers: Queue, tickMs: number) {
    this.#redis = redis;
    this.#pipelines = pipelines;
    this.#observers = observers;
    this.tickMs = tickMs;
  }

  /** Puts a pipeline on its account's watch list and makes sure the account has an observer. */
  async watch(account: ObserverData, jobId: string, entry: WaitingEntry): Promise<void> {
    await this.#redis.hset(waitingKey(this.#pipelines.name, account), jobId.toLowerCase(), JSON.stringify(entry));
    await this.#observers.add(
      "observe",
      { flavor: account.flavor, account: account.account },
      { jobId: observerJobId(account), delay: this.tickMs, removeOnComplete: true, removeOnFail: true },
    );
  }

  /** Takes a finished pipeline off its account's watch list. */
  async forget(account: ObserverData, jobId: string): Promise<void> {
    await this.#redis.hdel(waitingKey(this.#pipelines.name, account), jobId.toLowerCase());
  }

  /**
   * One tick: lists the account's jobs since the oldest waiting one and wakes the pipelines whose jobs
   * finished (promoted out of the delayed set). Resolves with how many pipelines still wait.
   */
  async tick(account: ObserverData, jobs: Jobs<{}>, signal?: AbortSignal): Promise<number> {
    const key = waitingKey(this.#pipelines.name, account);
    const waiting = new Map(Object.entries(await this.#redis.hgetall(key)).map(([jobId, text]) => [jobId, JSON.parse(text) as WaitingEntry]));
    if (waiting.size === 0) return 0;
    const oldest = Math.min(...[...waiting.values()].map((entry) => entry.createdAt));
    const listed = await jobs.list({ createdAfter: new Date(oldest - WINDOW_MARGIN_MS), ...(signal ? { signal } : {}) });
    const finished = [
      ...new Set(listed.filter((job) => job.Status === "COMPLETED" || FAILED_STATUSES.has(job.Status)).map((job) => job.Id.toLowerCase())),
    ].filter((id) => waiting.has(id));
    if (finished.length === 0) return waiting.size;
    await this.#redis.hdel(key, ...finished);
    for (const id of finished) {
      const pipeline = await this.#pipelines.getJob(waiting.get(id)!.pipeline);
      // A pipeline already awake (a postback, its own check) is left to it.
      if (pipeline && (await pipeline.getState()) === "delayed") await pipeline.promote().catch(() => undefined);
    }
    return waiting.size - finished.length;
  }
}
