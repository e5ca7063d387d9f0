import { aborted } from "../base/abort.js";
import { JobTimeoutError } from "../base/errors.js";
import { MinHeap, type HeapItem } from "../base/min-heap.js";
import type { PollPolicy } from "../base/defaults.js";
import { pollDelay, type ProgressHint } from "./poll-policy.js";
import type { Logger } from "../base/logger.js";
import type { Timing } from "../base/timing.js";

/** What one check of a job says. */
export interface Observation<T> {
  phase: "pending" | "succeeded" | "failed" | "unknown";
  /**
   * What was seen, as waits report it. Read only when needed — progress to report, the wait settled, a
   * timeout to explain — so a target may build it on demand (a getter): a check that changes nothing then
   * leaves nothing behind to age in the heap.
   */
  readonly value: T;
  /** The raw status, reported to the logger when the phase is unknown. */
  status: string;
  /** Changes whenever progress worth reporting changes. */
  progressKey: string;
  progress?: ProgressHint;
  /** How old the job is, when the answer says: a job younger than the first delay gets it, counted from its creation. */
  ageMs?: number;
}

/** A job API seen by the engine: how to check one job and what error a failed job rejects with. */
export interface PollTarget<T> {
  /** Identifies the job for `notify` and in errors. */
  key: string;
  check(signal: AbortSignal): Promise<Observation<T>>;
  /**
   * A check answered without a request, when one is due: an observation already at hand (from a list
   * asked for many waits), `"wait"` when one will come and `notify(key)` will say so (the wait is parked
   * until then, its deadline still kept), or `undefined` to `check` as usual.
   */
  peek?(): Observation<T> | "wait" | undefined;
  failure(value: T): Error;
  /**
   * Why a check still running at the wait's deadline got no answer, when it is the API that cannot be reached
   * (a `ConnectionError` naming the host) rather than the job that is late; `undefined` for a late job.
   */
  unreachable?(): Error | undefined;
  /** Told once when its wait ends, however it ends (before the wait's promise settles). */
  ended?(): void;
}

/** Where a wait stands: enough to resume it in another process. */
export interface Checkpoint {
  attempt: number;
  /** Epoch ms of the next check. */
  nextAt: number;
  /** Epoch ms after which the wait gives up. */
  deadline: number;
}

/**
 * One wait of `PollEngine.wait`: its abort signal and deadline, the progress and checkpoint callbacks, the
 * checkpoint it resumes from, and how old the job already is.
 */
export interface EngineWaitOptions<T> {
  signal?: AbortSignal;
  /** Overall deadline from now; ignored when resuming (the checkpoint has one). */
  timeoutMs: number;
  onProgress?: (value: T) => void;
  /** Called after every check that leaves the job unfinished: where to resume the wait. */
  onCheckpoint?: (checkpoint: Checkpoint) => void;
  resume?: Checkpoint;
  /**
   * How old the job is when the wait starts: the first check comes when the policy's first delay has
   * passed since the job was created (at once for a job older than that). Unknown (`Infinity`) checks at once.
   * Without it, the first check waits the whole first delay.
   */
  ageMs?: number;
}

interface Entry<T> extends HeapItem {
  target: PollTarget<T>;
  options: EngineWaitOptions<T>;
  attempt: number;
  deadline: number;
  /** The last check's answer: its `value` read only if a timeout needs it. */
  last?: Observation<T>;
  progressKey?: string;
  /** Undocumented statuses already reported, once one was seen. */
  unknownReported?: Set<string>;
  /** Unset until the entry is first scheduled. */
  state?: "waiting" | "ready" | "checking" | "done";
  recheck?: boolean;
  /** Aborted when the wait ends: stops the check in flight. Made with the first check that needs a request. */
  controller?: AbortController;
  /** Stops listening to the caller's signal. */
  release?: () => void;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

/** A wait of any result type: the engine keeps waits of every type in one heap and one index. */
// biome-ignore lint/suspicious/noExplicitAny: each entry's own methods are typed by its wait; the collections hold them all.
type AnyEntry = Entry<any>;

/** Taken entries of the ready queue are dropped once there are more than this many (or all are taken). */
const COMPACT_AT = 1_024;

/** Due checks taken per timer: thousands due at once are taken in slices, the event loop turning in between. */
const FIRE_SLICE = 256;

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
  readonly #why: () => string | undefined;
  /** The waits scheduled (waiting for their check, or for the deadline of the check in flight). */
  readonly #heap = new MinHeap<AnyEntry>();
  /** Entries due, in order; `#readyHead` is the first not yet taken (an index, not `shift()`: thousands come due at once). */
  readonly #ready: AnyEntry[] = [];
  #readyHead = 0;
  /** Waits by key: the one wait, or a set once a job has several (the common case costs no set). */
  readonly #byKey = new Map<string, AnyEntry | Set<AnyEntry>>();
  /** One listener per caller's signal, whatever the number of waits sharing it (a batch's one deadline). */
  readonly #aborts = new Map<AbortSignal, { waits: Set<() => void>; fire: () => void }>();
  #inFlight = 0;
  /** Waits not finished. */
  #waits = 0;
  /** The one armed timer: when it fires and how to cancel it. */
  #timer: { at: number; cancel: () => void } | undefined;

  /** `why` says what holds the waits back when one times out (the rate limit's reset, say). */
  constructor(timing: Timing, policy: PollPolicy, concurrency: number, logger: Logger | undefined, why: () => string | undefined = () => undefined) {
    this.#timing = timing;
    this.#policy = policy;
    this.#concurrency = concurrency;
    this.#logger = logger;
    this.#why = why;
  }

  /** Waits in the schedule: never more than the waits, whatever the number of checks. */
  get heapSize(): number {
    return this.#heap.size;
  }

  /** Waits in flight (scheduled, queued or being checked). */
  get size(): number {
    return this.#waits;
  }

  wait<T>(target: PollTarget<T>, options: EngineWaitOptions<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const now = this.#timing.now();
      const { signal, resume } = options;
      const entry: Entry<T> = {
        target,
        options,
        attempt: resume?.attempt ?? 1,
        deadline: resume?.deadline ?? now + options.timeoutMs,
        at: 0,
        heapIndex: -1,
        resolve,
        reject,
      };
      if (signal) {
        const onAbort = () => this.#finish(entry, aborted(`Waiting for job ${target.key}`, signal));
        if (signal.aborted) return onAbort();
        entry.release = this.#listen(signal, onAbort);
      }
      this.#waits += 1;
      const keyed = this.#byKey.get(target.key);
      if (keyed === undefined) this.#byKey.set(target.key, entry);
      else if (keyed instanceof Set) keyed.add(entry);
      else this.#byKey.set(target.key, new Set([keyed, entry]));
      const first = resume ? resume.nextAt : now + Math.max(0, pollDelay(this.#policy, entry.attempt, () => this.#timing.random()) - (options.ageMs ?? 0));
      this.#schedule(entry, Math.min(first, entry.deadline - FINAL_CHECK_LEAD_MS));
    });
  }

  /** Calls `onAbort` when `signal` aborts, through the one listener this engine keeps on it; returns the way to stop. */
  #listen(signal: AbortSignal, onAbort: () => void): () => void {
    let listeners = this.#aborts.get(signal);
    if (!listeners) {
      const waits = new Set<() => void>();
      const fire = () => {
        this.#aborts.delete(signal);
        for (const wait of [...waits]) wait();
      };
      listeners = { waits, fire };
      this.#aborts.set(signal, listeners);
      signal.addEventListener("abort", fire, { once: true });
    }
    const { waits, fire } = listeners;
    waits.add(onAbort);
    return () => {
      waits.delete(onAbort);
      if (waits.size > 0 || this.#aborts.get(signal) !== listeners) return;
      this.#aborts.delete(signal);
      signal.removeEventListener("abort", fire);
    };
  }

  /** Checks the jobs waited for under `key` now instead of at their next backoff (a completion postback). */
  notify(key: string): number {
    const keyed = this.#byKey.get(key);
    if (keyed === undefined) return 0;
    const entries = keyed instanceof Set ? keyed : [keyed];
    const now = this.#timing.now();
    for (const entry of entries) {
      if (entry.state === "waiting") this.#schedule(entry, now);
      else if (entry.state === "checking") entry.recheck = true;
    }
    return keyed instanceof Set ? keyed.size : 1;
  }

  /** Puts the entry in `state`, scheduled `at`: its next check, or the deadline of the check in flight. */
  #schedule(entry: AnyEntry, at: number, state: "waiting" | "checking" = "waiting"): void {
    entry.state = state;
    this.#heap.set(entry, at);
    this.#arm();
  }

  #arm(): void {
    const top = this.#heap.peek();
    if (this.#timer?.at === top?.at) return;
    this.#timer?.cancel();
    this.#timer = top && { at: top.at, cancel: this.#timing.setTimer(() => this.#fire(), top.at - this.#timing.now()) };
  }

  /**
   * Takes the due checks, `FIRE_SLICE` at a time: when more are due (thousands of waits started together),
   * the rest come at the next timer, so that other callbacks and I/O run in between.
   */
  #fire(): void {
    this.#timer = undefined;
    const now = this.#timing.now();
    let taken = 0;
    for (let entry = this.#heap.peek(); entry && entry.at <= now && taken < FIRE_SLICE; entry = this.#heap.peek(), taken += 1) {
      this.#heap.pop();
      // A check still in flight at the deadline is aborted by `#finish`.
      if (entry.state === "checking" || now >= entry.deadline) {
        const unreachable = entry.state === "checking" ? entry.target.unreachable?.() : undefined;
        this.#finish(entry, unreachable ?? new JobTimeoutError(entry.target.key, entry.options.timeoutMs, entry.last?.value, this.#why(), entry.last?.status));
      } else {
        entry.state = "ready";
        this.#ready.push(entry);
      }
    }
    this.#drain();
    this.#arm();
  }

  /**
   * Runs the ready checks: one answered at hand is taken at once (no request, no slot); one parked waits
   * for its `notify`; the others start, up to `concurrency` in flight.
   */
  #drain(): void {
    while (this.#readyHead < this.#ready.length) {
      const entry = this.#ready[this.#readyHead]!;
      if (entry.state !== "ready") {
        this.#readyHead += 1;
        continue;
      }
      let peeked: Observation<unknown> | "wait" | undefined;
      try {
        peeked = entry.target.peek?.();
        if (peeked === "wait") {
          const lastCheck = entry.deadline - FINAL_CHECK_LEAD_MS;
          this.#schedule(entry, this.#timing.now() < lastCheck ? lastCheck : entry.deadline);
        } else if (peeked) this.#take(entry, peeked);
      } catch (error) {
        // An exception from `onProgress` or `onCheckpoint` ends that wait, as in a check.
        this.#finish(entry, error);
      }
      if (!peeked && entry.state === "ready") {
        if (this.#inFlight >= this.#concurrency) break;
        void this.#check(entry);
      }
      this.#readyHead += 1;
    }
    // Taken entries are dropped once all are taken, or once many are (when checks in flight hold the rest back).
    if (this.#readyHead === this.#ready.length || this.#readyHead > COMPACT_AT) [this.#readyHead] = [0, this.#ready.splice(0, this.#readyHead)];
  }

  async #check<T>(entry: Entry<T>): Promise<void> {
    this.#schedule(entry, entry.deadline, "checking");
    this.#inFlight += 1;
    try {
      const observation = await entry.target.check((entry.controller ??= new AbortController()).signal);
      if (entry.state === "checking") this.#take(entry, observation);
    } catch (error) {
      // Ignored by `#finish` when the wait is already over.
      this.#finish(entry, error);
    } finally {
      this.#inFlight -= 1;
      this.#drain();
    }
  }

  /** What a check found: progress reported, the wait settled, or the next check scheduled by the policy. */
  #take<T>(entry: Entry<T>, observation: Observation<T>): void {
    const { phase, status } = observation;
    entry.last = observation;
    if (observation.progressKey !== entry.progressKey) {
      entry.progressKey = observation.progressKey;
      entry.options.onProgress?.(observation.value);
    }
    if (phase === "succeeded" || phase === "failed") {
      if (phase === "succeeded") this.#finish(entry, undefined, observation.value);
      else this.#finish(entry, entry.target.failure(observation.value));
      return;
    }
    if (phase === "unknown" && !entry.unknownReported?.has(status)) {
      (entry.unknownReported ??= new Set()).add(status);
      this.#logger?.warn(`Job ${entry.target.key} has an undocumented status ${JSON.stringify(status)}; waiting on with backoff`, { status });
    }
    entry.attempt += 1;
    const now = this.#timing.now();
    let delay = entry.recheck ? 0 : pollDelay(this.#policy, entry.attempt, () => this.#timing.random(), observation.progress);
    // A first check that came before the first delay (a wait for a job it did not see created) leaves the rest of it.
    if (entry.attempt === 2 && !entry.recheck && !observation.progress && observation.ageMs !== undefined) {
      delay = Math.max(delay, pollDelay(this.#policy, 1, () => this.#timing.random()) - observation.ageMs);
    }
    entry.recheck = false;
    const lastCheck = entry.deadline - FINAL_CHECK_LEAD_MS;
    const nextAt = now + delay < lastCheck ? now + delay : now < lastCheck ? lastCheck : entry.deadline;
    entry.options.onCheckpoint?.({ attempt: entry.attempt, nextAt, deadline: entry.deadline });
    this.#schedule(entry, nextAt);
  }

  #finish<T>(entry: Entry<T>, error: unknown, value?: T): void {
    if (entry.state === "done") return;
    entry.state = "done";
    this.#heap.delete(entry);
    entry.controller?.abort(error ?? new Error("finished"));
    entry.release?.();
    entry.target.ended?.();
    const { key } = entry.target;
    const keyed = this.#byKey.get(key);
    if (keyed === entry || (keyed instanceof Set && keyed.delete(entry))) this.#waits -= 1;
    if (keyed === entry || (keyed instanceof Set && keyed.size === 0)) this.#byKey.delete(key);
    if (error === undefined) entry.resolve(value as T);
    else entry.reject(error);
    this.#arm();
  }
}
