import type { JobsContext } from "../impact/context.js";
import { JobFailedError } from "../base/errors.js";
import { DateField, FAILED_STATUSES, glanceJob, isKnownStatus, normaliseJob, type Job, type JobGlance } from "../base/job.js";
import { validateJobId } from "../base/job-id.js";
import type { Checkpoint, Observation, PollTarget } from "../engine/poll-engine.js";
import type { ProgressHint } from "../engine/poll-policy.js";
import { unreachable } from "../http/call-context.js";
import { context as contexts, type Context } from "@opentelemetry/api";
import { openSpan } from "../base/tracing.js";

/**
 * How `wait()`, `waitAll()`, `resume()` and `watch()` wait for a job (and `download()`, `stream()` and
 * `records()` while Download answers 202): an abort signal, the deadline, progress and resume checkpoints, and
 * whether the job's ERROR status ends the wait. The job is polled by `GET /Jobs/{JobId}`
 * (https://integrations.impact.com/impact-brand/reference/retrieve-a-job) under the instance's poll policy.
 */
export interface WaitOptions {
  signal?: AbortSignal;
  /** Overall deadline, from now; defaults to the instance's `timeoutMs` (an hour). */
  timeoutMs?: number;
  /** Called with the job whenever its status, percentage or record count changes. */
  onProgress?: (job: Job) => void;
  /**
   * Called with a resume token (no credentials) when the wait starts and after every check, the one that
   * finds the job finished included: persist it to resume the wait elsewhere.
   */
  onCheckpoint?: (token: string) => void;
  /**
   * impact.com retries a job in ERROR every 15 minutes, up to 5 times, then marks it FAILED
   * (https://integrations.impact.com/impact-brand/reference/retrieve-a-job); the agency docs call ERROR
   * unrecoverable. By default a wait fails on ERROR; `true` waits through it.
   */
  waitThroughError?: boolean;
}

/**
 * A check's answer as the engine reads it, from the Job body (a list entry, or a GET's): the Job itself is
 * built only when asked for (`value`: progress to report, the wait settled, a timeout to explain), so that
 * the checks of thousands of waits over a list leave next to nothing behind them. A list entry is the
 * observer's own object, updated in place by later lists: the Job is made from a copy of it.
 */
class JobObservation implements Observation<Job> {
  readonly phase: Observation<Job>["phase"];
  readonly status: string;
  readonly progressKey: string;
  readonly progress: ProgressHint | undefined;
  readonly ageMs: number | undefined;
  #body: unknown;
  #job: Job | undefined;

  constructor(glance: JobGlance, body: unknown, job: Job | undefined, now: number, waitThroughError: boolean) {
    const { status, percent, startedAt, createdAt } = glance;
    this.phase =
      status === "COMPLETED"
        ? "succeeded"
        : FAILED_STATUSES.has(status) && !(status === "ERROR" && waitThroughError)
          ? "failed"
          : isKnownStatus(status)
            ? "pending"
            : "unknown";
    this.status = status;
    this.progressKey = `${status} ${percent} ${glance.records}`;
    this.progress = status === "RUNNING" && percent !== undefined && startedAt !== undefined ? { percent, runningMs: now - startedAt } : undefined;
    this.ageMs = createdAt === undefined ? undefined : Math.max(0, now - createdAt);
    this.#body = body;
    this.#job = job;
  }

  get value(): Job {
    return (this.#job ??= normaliseJob({ ...(this.#body as object) }));
  }
}

/**
 * The impact.com Job API as a poll target, observed through the instance's `ListObserver` (one list for
 * many waits); it closes its watch on the job when its wait ends. A class, so that ten thousand waits share
 * its methods instead of holding closures each.
 */
class JobTarget implements PollTarget<Job> {
  readonly key: string;
  readonly #context: JobsContext;
  readonly #waitThroughError: boolean;
  /** When the answer of this wait's last check was asked for: the next must be newer. */
  #seenAt = Number.NEGATIVE_INFINITY;
  readonly #created = new DateField();
  readonly #started = new DateField();
  /** The context of the wait's span, when one is traced: its checks' calls are the span's children. */
  readonly #trace: Context | undefined;

  constructor(context: JobsContext, jobId: string, waitThroughError: boolean, trace?: Context) {
    this.key = jobId;
    this.#context = context;
    this.#waitThroughError = waitThroughError;
    this.#trace = trace;
  }

  async check(signal: AbortSignal): Promise<Observation<Job>> {
    const observe = () => this.#context.observer.observe(this.key, signal);
    const { job, at } = await (this.#trace ? contexts.with(this.#trace, observe) : observe());
    this.#seenAt = at;
    // A Job's raw body always glances (`glanceJob` refuses exactly what `normaliseJob` refuses).
    return this.#observation(job.raw, job)!;
  }

  peek(): Observation<Job> | "wait" | undefined {
    const seen = this.#context.observer.peek(this.key, this.#seenAt);
    if (seen === undefined || seen === "wait") return seen;
    const observation = this.#observation(seen.entry);
    if (observation) this.#seenAt = seen.at;
    return observation;
  }

  /** What `body` says, or undefined when it is not a Job (`job`: the Job it was already read as). */
  #observation(body: unknown, job?: Job): JobObservation | undefined {
    const glance = glanceJob(body, this.#created, this.#started);
    return glance && new JobObservation(glance, body, job, this.#context.call.timing.now(), this.#waitThroughError);
  }

  failure(job: Job): Error {
    return new JobFailedError(job);
  }

  unreachable(): Error | undefined {
    return unreachable(this.#context.call, `Waiting for job ${this.key}`);
  }

  ended(): void {
    this.#context.observer.close(this.key);
  }
}

/** When a wait (or a transfer that waits for its job) starting now must end: `timeoutMs` from now, by default the instance's. */
export function waitDeadline(context: JobsContext, timeoutMs?: number): number {
  return context.call.timing.now() + (timeoutMs ?? context.timeoutMs);
}

/**
 * Waits for a job on the instance's shared engine; resolves with the COMPLETED job. The first check comes
 * when the policy's first delay has passed since the job's creation: a job this instance just created
 * waits for it, any other is checked at once. With `encode`, the caller's `onCheckpoint` gets a token when
 * the wait starts (resuming it checks at once), after every check, and when the wait ends with the job
 * finished (resuming it finds the job finished at once). A span `jobs.wait` covers it, with the calls of its
 * checks as children.
 */
export function waitForJob(
  context: JobsContext,
  id: string,
  options: WaitOptions = {},
  resume?: Checkpoint,
  encode?: (checkpoint: Checkpoint) => string,
): Promise<Job> {
  const jobId = validateJobId(id);
  const { onCheckpoint } = options;
  const timeoutMs = options.timeoutMs ?? context.timeoutMs;
  const now = context.call.timing.now();
  let last: Checkpoint = resume ?? { attempt: 1, nextAt: now, deadline: waitDeadline(context, timeoutMs) };
  const hand = onCheckpoint && encode && ((checkpoint: Checkpoint) => onCheckpoint(encode((last = checkpoint))));
  hand?.(last);
  const ageMs = context.ages.ageMs(jobId, now);
  context.observer.open(jobId, Number.isFinite(ageMs) ? now - ageMs : now);
  const span = openSpan("jobs.wait", { "impactkit.job.id": jobId });
  const engaged = context.engine.wait(new JobTarget(context, jobId, options.waitThroughError ?? context.waitThroughError, span?.context), {
    ...options,
    timeoutMs,
    onCheckpoint: hand,
    resume,
    ageMs,
  });
  const waiting = span ? span.settle(engaged, (traced, job) => traced.setAttribute("impactkit.job.status", job.Status)) : engaged;
  if (!hand) return waiting;
  const finished = () => hand({ attempt: last.attempt + 1, nextAt: context.call.timing.now(), deadline: last.deadline });
  return waiting.then(
    (job) => {
      finished();
      return job;
    },
    (error: unknown) => {
      if (error instanceof JobFailedError) finished();
      throw error;
    },
  );
}
