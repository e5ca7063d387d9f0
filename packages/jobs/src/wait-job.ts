import type { JobsContext } from "./context.js";
import { JobFailedError } from "./errors.js";
import { isKnownStatus, type Job } from "./job.js";
import { validateJobId } from "./job-id.js";
import type { Checkpoint, Observation, PollTarget } from "./poll-engine.js";

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

/** The impact.com Job API as a poll target, observed through the instance's `ListObserver` (one list for many waits). */
export function jobTarget(context: JobsContext, jobId: string, waitThroughError: boolean): PollTarget<Job> {
  /** When the answer of this wait's last check was asked for: the next must be newer. */
  let seenAt = Number.NEGATIVE_INFINITY;
  /** What a Job says, as the engine reads it. */
  const observation = (job: Job): Observation<Job> => {
    const { Status: status, PercentageComplete: percent, StartedDate: started } = job;
    const phase =
      status === "COMPLETED" ? "succeeded" : status === "FAILED" || status === "CANCELLED" || (status === "ERROR" && !waitThroughError) ? "failed" : isKnownStatus(status) ? "pending" : "unknown";
    const progress = status === "RUNNING" && percent !== undefined && started ? { percent, runningMs: context.call.timing.now() - started.getTime() } : undefined;
    const ageMs = job.CreatedDate ? Math.max(0, context.call.timing.now() - job.CreatedDate.getTime()) : undefined;
    return { phase, value: job, status, progressKey: `${status} ${percent} ${job.RecordsProcessed}`, progress, ageMs };
  };
  return {
    key: jobId,
    async check(signal) {
      const { job, at } = await context.observer.observe(jobId, signal);
      seenAt = at;
      return observation(job);
    },
    peek() {
      const seen = context.observer.peek(jobId, seenAt);
      if (seen === undefined || seen === "wait") return seen;
      seenAt = seen.at;
      return observation(seen.job);
    },
    failure: (job) => new JobFailedError(job),
  };
}

/**
 * Waits for a job on the instance's shared engine; resolves with the COMPLETED job. The first check comes
 * when the policy's first delay has passed since the job's creation: a job this instance just created
 * waits for it, any other is checked at once. With `encode`, the caller's `onCheckpoint` gets a token when
 * the wait starts (resuming it checks at once), after every check, and when the wait ends with the job
 * finished (resuming it finds the job finished at once).
 */
export function waitForJob(context: JobsContext, id: string, options: WaitOptions = {}, resume?: Checkpoint, encode?: (checkpoint: Checkpoint) => string): Promise<Job> {
  const jobId = validateJobId(id);
  const { onCheckpoint } = options;
  const timeoutMs = options.timeoutMs ?? context.timeoutMs;
  const now = context.call.timing.now();
  let last: Checkpoint = resume ?? { attempt: 1, nextAt: now, deadline: now + timeoutMs };
  const hand = onCheckpoint && encode && ((checkpoint: Checkpoint) => onCheckpoint(encode((last = checkpoint))));
  hand?.(last);
  const ageMs = context.ages.ageMs(jobId, now);
  context.observer.open(jobId, Number.isFinite(ageMs) ? now - ageMs : now);
  const waiting = context.engine.wait(jobTarget(context, jobId, options.waitThroughError ?? context.waitThroughError), { ...options, timeoutMs, onCheckpoint: hand, resume, ageMs });
  const closed = () => context.observer.close(jobId);
  waiting.then(closed, closed);
  if (!hand) return waiting;
  const finished = () => hand({ attempt: last.attempt + 1, nextAt: context.call.timing.now(), deadline: last.deadline });
  return waiting.then(
    (job) => (finished(), job),
    (error: unknown) => {
      if (error instanceof JobFailedError) finished();
      throw error;
    },
  );
}
