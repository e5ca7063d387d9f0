import { JobAbortedError, JobTimeoutError } from "./errors.js";
import { MinHeap } from "./min-heap.js";
import { pollDelay, type PollPolicy, type ProgressHint } from "./poll-policy.js";
import type { Logger } from "./transport.js";
import type { Timing } from "./timing.js";

/** What one check of a job says. */
export interface Observation<T> {
  phase: "pending" | "succeeded" | "failed" | "unknown";
  value: T;
  /** The raw status, reported to the logger when the phase is unknown. */
  status: string;
  /** Changes whenever progress worth reporting changes. */
  progressKey: string;
  progress?: ProgressHint;
}

/** A job API seen by the engine: how to check one job and what error a failed job rejects with. */
export interface PollTarget<T> {
  /** Identifies the job for `notify` and in errors. */
  key: string;
  check(signal: AbortSignal): Promise<Observation<T>>;
  failure(value: T): Error;
}

/** Where a wait stands: enough to resume it in another process. */
export interface Checkpoint {
  attempt: number;
  /** Epoch ms of the next check. */
  nextAt: number;
  /** Epoch ms after which the wait gives up. */
  deadline: number;
}

export interface EngineWaitOptions<T> {
  signal?: AbortSignal;
  /** Overall deadline from now; ignored when resuming (the checkpoint has one). */
  timeoutMs: number;
  onProgress?: (value: T) => void;
  onCheckpoint?: (checkpoint: Checkpoint) => void;
  resume?: Checkpoint;
}

interface Entry<T> {
  target: PollTarget<T>;
  options: EngineWaitOptions<T>;
  attempt: number;
  deadline: number;
  last: T | undefined;
  progressKey: string | undefined;
  unknownReported: Set<string>;
  state: "waiting" | "ready" | "checking" | "done";
  /** Bumped whenever the entry is rescheduled, so that stale heap items are skipped. */
  generation: number;
  recheck: boolean;
  controller: AbortController;
  detach: () => void;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

interface Scheduled {
  at: number;
  entry: Entry<any>;
  generation: number;
}

/** The last check happens this long before the deadline, so that it can answer in time. */
const FINAL_CHECK_LEAD_MS = 1_000;

/**
 * One scheduler for many waits: one timer (the earliest due check), a cap on checks in flight, and the
 * poll policy per job. Thousands of waits cost one timer and a heap, not thousands of loops.
 */
export class PollEngine {
  readonly #timing: Timing;
  readonly #policy: PollPolicy;
  readonly #concurrency: number;
  readonly #logger: Logger | undefined;
  readonly #heap = new MinHeap<Scheduled>();
  readonly #ready: Entry<any>[] = [];
  readonly #byKey = new Map<string, Set<Entry<any>>>();
  #inFlight = 0;
  #cancelTimer: (() => void) | undefined;
  #timerAt = Number.POSITIVE_INFINITY;

  constructor(timing: Timing, policy: PollPolicy, concurrency: number, logger: Logger | undefined) {
    this.#timing = timing;
    this.#policy = policy;
    this.#concurrency = concurrency;
    this.#logger = logger;
  }

  /** Waits in flight (scheduled, queued or being checked). */
  get size(): number {
    let size = 0;
    for (const entries of this.#byKey.values()) size += entries.size;
    return size;
  }

  wait<T>(target: PollTarget<T>, options: EngineWaitOptions<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const now = this.#timing.now();
      const entry: Entry<T> = {
        target,
        options,
        attempt: options.resume?.attempt ?? 1,
        deadline: options.resume?.deadline ?? now + options.timeoutMs,
        last: undefined,
        progressKey: undefined,
        unknownReported: new Set(),
        state: "waiting",
        generation: 0,
        recheck: false,
        controller: new AbortController(),
        detach: () => undefined,
        resolve,
        reject,
      };
      const { signal } = options;
      if (signal?.aborted) return reject(new JobAbortedError(`Waiting for job ${target.key}`, signal.reason));
      if (signal) {
        const onAbort = () => this.#finish(entry, new JobAbortedError(`Waiting for job ${target.key}`, signal.reason));
        signal.addEventListener("abort", onAbort, { once: true });
        entry.detach = () => signal.removeEventListener("abort", onAbort);
      }
      let keyed = this.#byKey.get(target.key);
      if (!keyed) this.#byKey.set(target.key, (keyed = new Set()));
      keyed.add(entry);
      const first = options.resume ? options.resume.nextAt : now + pollDelay(this.#policy, entry.attempt, () => this.#timing.random());
      this.#schedule(entry, Math.min(first, entry.deadline - FINAL_CHECK_LEAD_MS));
    });
  }

  /** Checks the jobs waited for under `key` now instead of at their next backoff (a completion postback). */
  notify(key: string): number {
    const entries = this.#byKey.get(key);
    if (!entries) return 0;
    const now = this.#timing.now();
    for (const entry of entries) {
      if (entry.state === "waiting") this.#schedule(entry, now);
      else if (entry.state === "checking") entry.recheck = true;
    }
    return entries.size;
  }

  #schedule(entry: Entry<any>, at: number): void {
    entry.state = "waiting";
    entry.generation += 1;
    this.#heap.push({ at, entry, generation: entry.generation });
    this.#arm();
  }

  #arm(): void {
    let top = this.#heap.peek();
    while (top && (top.generation !== top.entry.generation || top.entry.state === "done")) {
      this.#heap.pop();
      top = this.#heap.peek();
    }
    if (!top) {
      this.#cancelTimer?.();
      this.#cancelTimer = undefined;
      this.#timerAt = Number.POSITIVE_INFINITY;
      return;
    }
    if (top.at === this.#timerAt && this.#cancelTimer) return;
    this.#cancelTimer?.();
    this.#timerAt = top.at;
    this.#cancelTimer = this.#timing.setTimer(() => this.#fire(), top.at - this.#timing.now());
  }

  #fire(): void {
    this.#cancelTimer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    const now = this.#timing.now();
    for (let top = this.#heap.peek(); top && top.at <= now; top = this.#heap.peek()) {
      this.#heap.pop();
      const { entry, generation } = top;
      if (generation !== entry.generation || entry.state === "done") continue;
      if (entry.state === "checking") {
        this.#finish(entry, new JobTimeoutError(entry.target.key, entry.options.timeoutMs, entry.last));
        entry.controller.abort(new Error("deadline"));
      } else if (now >= entry.deadline) {
        this.#finish(entry, new JobTimeoutError(entry.target.key, entry.options.timeoutMs, entry.last));
      } else {
        entry.state = "ready";
        this.#ready.push(entry);
      }
    }
    this.#drain();
    this.#arm();
  }

  #drain(): void {
    while (this.#inFlight < this.#concurrency && this.#ready.length > 0) {
      const entry = this.#ready.shift()!;
      if (entry.state === "ready") void this.#check(entry);
    }
  }

  async #check<T>(entry: Entry<T>): Promise<void> {
    entry.state = "checking";
    entry.generation += 1;
    this.#heap.push({ at: entry.deadline, entry, generation: entry.generation });
    this.#arm();
    this.#inFlight += 1;
    try {
      const observation = await entry.target.check(entry.controller.signal);
      if (entry.state !== "checking") return;
      entry.last = observation.value;
      if (observation.progressKey !== entry.progressKey) {
        entry.progressKey = observation.progressKey;
        entry.options.onProgress?.(observation.value);
      }
      if (observation.phase === "succeeded") return this.#finish(entry, undefined, observation.value);
      if (observation.phase === "failed") return this.#finish(entry, entry.target.failure(observation.value));
      if (observation.phase === "unknown" && !entry.unknownReported.has(observation.status)) {
        entry.unknownReported.add(observation.status);
        this.#logger?.warn(`Job ${entry.target.key} has an undocumented status ${JSON.stringify(observation.status)}; waiting on with backoff`, { status: observation.status });
      }
      entry.attempt += 1;
      const now = this.#timing.now();
      const delay = entry.recheck ? 0 : pollDelay(this.#policy, entry.attempt, () => this.#timing.random(), observation.progress);
      entry.recheck = false;
      const lastCheck = entry.deadline - FINAL_CHECK_LEAD_MS;
      const nextAt = now + delay < lastCheck ? now + delay : now < lastCheck ? lastCheck : entry.deadline;
      entry.options.onCheckpoint?.({ attempt: entry.attempt, nextAt, deadline: entry.deadline });
      this.#schedule(entry, nextAt);
    } catch (error) {
      if (entry.state === "checking") this.#finish(entry, error);
    } finally {
      this.#inFlight -= 1;
      this.#drain();
    }
  }

  #finish<T>(entry: Entry<T>, error: unknown, value?: T): void {
    if (entry.state === "done") return;
    entry.state = "done";
    entry.generation += 1;
    entry.detach();
    entry.controller.abort(error ?? new Error("finished"));
    const keyed = this.#byKey.get(entry.target.key);
    keyed?.delete(entry);
    if (keyed?.size === 0) this.#byKey.delete(entry.target.key);
    if (error === undefined) entry.resolve(value as T);
    else entry.reject(error);
    this.#arm();
  }
}
