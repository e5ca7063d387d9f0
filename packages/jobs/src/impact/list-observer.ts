import type { Job } from "../base/job.js";
import { halfSpent } from "../engine/rate-limit.js";
import { DOCUMENTED_HOURLY_BUDGET, LIST_PAGE_SIZE } from "./limits.js";
import type { PollPolicy } from "../base/defaults.js";
import type { CallContext } from "../http/call-context.js";

/** What list polling may spend of the budget left, evenly until its reset: the rest is for exports, downloads, replays. */
const LIST_POLL_SHARE = 0.5;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** How the observer reads jobs: the Jobs list (every page, entries as received) from a day on, and one job. */
export interface JobReads {
  list(createdAfter: string): Promise<unknown[]>;
  get(jobId: string, signal: AbortSignal): Promise<Job>;
}

/**
 * A job being waited for: by how many waits, (as far as known) when it was created, whether a postback
 * asks for a fresh look, and what the last list that showed it said.
 */
interface Watched {
  waits: number;
  createdAt: number;
  notified?: boolean;
  /** When the last list that showed the job was asked for, and what it said. */
  shownAt?: number;
  shown?: unknown;
}

/**
 * Observes the jobs an instance waits for. One wait: `GET /Jobs/{JobId}`, as ever. Several: one Jobs list
 * (`GET /Jobs?CreatedAfter=…`, every page) answers every check due at about the same time, so that a
 * thousand waits cost a list request per tick instead of a request each — the account's ~1,000 requests
 * an hour are shared by everything it does. Checks stay where the poll policy puts them (backoff, aimed at
 * progress estimates); a due check takes the last list if it was asked for after that job's previous check
 * (`peek`), or is parked until the next one — asked for no sooner than `tick()` after the last — wakes it.
 * A job the list does not show (created before the window, or a list that leaves it out) is read on its own
 * (`observe`), as is a job a postback woke, and everything while the list itself fails.
 */
export class ListObserver {
  readonly #call: CallContext;
  readonly #policy: PollPolicy;
  readonly #read: JobReads;
  /** Tells the engine that a parked job's list has come (`PollEngine.notify`). */
  readonly #wake: (jobId: string) => void;
  /** Jobs waited for, by lower-case id. */
  readonly #watched = new Map<string, Watched>();
  /** Jobs whose due check waits for the next list. */
  readonly #parked = new Set<string>();
  /** When the last list that answered was asked for. */
  #answeredAt = Number.NEGATIVE_INFINITY;
  /** Whether a list is in flight. */
  #asking = false;
  /** The armed timer of the next list, if any. */
  #tickTimer: (() => void) | undefined;
  /** When the last list was asked for. */
  #lastAt = Number.NEGATIVE_INFINITY;
  /** Until when the list is not asked for, after it failed. */
  #brokenUntil = Number.NEGATIVE_INFINITY;
  /** Jobs the last list showed, for the pages the next one will take. */
  #listed = 0;

  constructor(call: CallContext, policy: PollPolicy, read: JobReads, wake: (jobId: string) => void) {
    this.#call = call;
    this.#policy = policy;
    this.#read = read;
    this.#wake = wake;
  }

  /**
   * A due check of `jobId`, answered without a request when it can be: the job's entry in the last list (the
   * observer's own object, which later lists update in place) if that list was asked for after `since` (and
   * after the job existed) and shows it — a wait left alone takes it too; `"wait"` when it was not and other
   * jobs are watched — the job is parked and woken when the next list (asked for once the tick allows)
   * answers; `undefined` when the job must be read on its own (then `observe`): a wait alone, a job the list
   * leaves out or a postback woke, a list that fails.
   */
  peek(jobId: string, since: number): { entry: unknown; at: number } | "wait" | undefined {
    const id = jobId.toLowerCase();
    const watched = this.#watched.get(id);
    if (!watched || watched.notified || this.#call.timing.now() < this.#brokenUntil) return undefined;
    const at = this.#answeredAt;
    if (at > Math.max(since, watched.createdAt)) return watched.shownAt === at ? { entry: watched.shown, at } : undefined;
    if (this.#watched.size < 2) return undefined;
    this.#parked.add(id);
    this.#armTick();
    return "wait";
  }

  /** Makes sure a list is coming for the parked jobs: in flight already, or asked for when the tick allows. */
  #armTick(): void {
    if (this.#asking || this.#tickTimer) return;
    const { timing } = this.#call;
    this.#tickTimer = timing.setTimer(
      () => {
        this.#tickTimer = undefined;
        this.#ask(timing.now());
      },
      Math.max(0, this.#lastAt + this.tick(timing.now()) - timing.now()),
    );
  }

  /** A wait for `jobId` begins; `createdAt` is when the job was created, or the latest it can have been. */
  open(jobId: string, createdAt: number): void {
    const watched = this.#watched.get(jobId.toLowerCase());
    if (watched) {
      watched.waits += 1;
      watched.createdAt = Math.min(watched.createdAt, createdAt);
    } else this.#watched.set(jobId.toLowerCase(), { waits: 1, createdAt });
  }

  /** A wait for `jobId` ended. */
  close(jobId: string): void {
    const watched = this.#watched.get(jobId.toLowerCase());
    if (watched && --watched.waits <= 0) this.#watched.delete(jobId.toLowerCase());
  }

  /** A Job Completion Event came for `jobId`: its next check reads it on its own, now, rather than from a list asked for before. */
  notified(jobId: string): void {
    const watched = this.#watched.get(jobId.toLowerCase());
    if (watched) watched.notified = true;
  }

  /** `jobId` read on its own (`GET /Jobs/{JobId}`), for a check `peek` did not answer; its CreatedDate widens the next list's window. */
  async observe(jobId: string, signal: AbortSignal): Promise<{ job: Job; at: number }> {
    const watched = this.#watched.get(jobId.toLowerCase());
    if (watched) watched.notified = false;
    const at = this.#call.timing.now();
    const job = await this.#read.get(jobId, signal);
    if (watched && job.CreatedDate) watched.createdAt = Math.min(watched.createdAt, job.CreatedDate.getTime());
    return { job, at };
  }

  /**
   * How long after one list the next may be asked for: one `minDelayMs` per job watched — while few wait,
   * their checks come as the policy says — but never more often than spends `LIST_POLL_SHARE` of the budget
   * left evenly until its reset (per page), and at that pace whatever the number once half of it is spent.
   */
  tick(now: number): number {
    const { minDelayMs } = this.#policy;
    const budget = this.#call.gate.budget(now) ?? { limit: DOCUMENTED_HOURLY_BUDGET, remaining: DOCUMENTED_HOURLY_BUDGET, resetAt: now + HOUR_MS };
    const pages = Math.max(1, Math.ceil(this.#listed / LIST_PAGE_SIZE));
    const paced = Math.max(minDelayMs, ((budget.resetAt - now) / Math.max(1, budget.remaining * LIST_POLL_SHARE)) * pages);
    return halfSpent(budget) ? paced : Math.min(paced, minDelayMs * this.#watched.size);
  }

  /**
   * Asks for the list covering the oldest watched job (from the day before it: the API's days are UTC dates),
   * keeping only the entries of jobs watched when it answers (the rest of a long list dies young instead of
   * aging in the heap), each in the one entry kept for its job (`update`), then wakes the parked jobs.
   * A failed list is logged, and for a tick every job is read on its own.
   */
  #ask(now: number): void {
    this.#lastAt = now;
    this.#asking = true;
    let oldest = now;
    for (const { createdAt } of this.#watched.values()) oldest = Math.min(oldest, createdAt);
    const createdAfter = new Date(oldest - DAY_MS).toISOString().slice(0, 10);
    this.#read
      .list(createdAfter)
      .then(
        (jobs) => {
          for (const entry of jobs) {
            const watched = this.#watched.get(String((entry as { Id?: unknown } | null)?.Id).toLowerCase());
            if (!watched) continue;
            watched.shownAt = now;
            if (!isRecord(watched.shown) || !isRecord(entry)) watched.shown = entry;
            else update(watched.shown, entry);
          }
          this.#listed = jobs.length;
          this.#answeredAt = now;
        },
        (error: unknown) => {
          this.#brokenUntil = this.#call.timing.now() + this.tick(this.#call.timing.now());
          this.#call.logger?.warn(`GET /Jobs failed (${(error as Error).message}); checking each job on its own for a while`, {});
        },
      )
      .finally(() => {
        this.#asking = false;
        const parked = [...this.#parked];
        this.#parked.clear();
        for (const id of parked) if (this.#watched.has(id)) this.#wake(id);
      });
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Makes `kept` say what `entry` says, in place: only the fields that changed take `entry`'s values (a
 * field it no longer has is removed), so that a wait keeps one entry for its job however many lists show
 * it, and each list's copy dies young. The entries kept are the observer's own: a Job made from one is made
 * from a copy (`JobObservation` in wait-job.ts), so that no Job handed out changes afterwards.
 */
function update(kept: Record<string, unknown>, entry: Record<string, unknown>): void {
  for (const key in entry) if (kept[key] !== entry[key] || !Object.hasOwn(kept, key)) kept[key] = entry[key];
  for (const key in kept) if (!Object.hasOwn(entry, key)) delete kept[key];
}
