/**
 * When to check a job next. impact.com's jobs average around 5 seconds with a queue-dependent long tail
 * (https://integrations.impact.com/brand-api-reference/reference/jobs), so the first check waits for a
 * typical job to finish, later checks come quickly at first and back off exponentially to a cap, and
 * every delay is jittered so that many waits do not poll in lock-step.
 */
export interface PollPolicy {
  /** Delay before the first check. */
  firstDelayMs: number;
  /** Delay after the first unfinished check; it grows by `factor` per check up to `maxDelayMs`. */
  minDelayMs: number;
  maxDelayMs: number;
  factor: number;
  /** Each delay is scaled by a random factor in [1 - jitter, 1 + jitter]. */
  jitter: number;
}

export const DEFAULT_POLL_POLICY: PollPolicy = { firstDelayMs: 4_000, minDelayMs: 1_000, maxDelayMs: 30_000, factor: 1.6, jitter: 0.2 };

/** What the last check said about progress, to aim the next check at the expected end. */
export interface ProgressHint {
  /** 0–100. */
  percent: number;
  /** Time the job has been running, in ms. */
  runningMs: number;
}

/**
 * The delay before check number `attempt` (1 is the first). With a progress hint the delay is at most
 * the estimated time left (but at least `minDelayMs`), so a long job is checked near its end rather than
 * up to `maxDelayMs` after it.
 */
export function pollDelay(policy: PollPolicy, attempt: number, random: () => number, progress?: ProgressHint): number {
  let delay = attempt <= 1 ? policy.firstDelayMs : Math.min(policy.maxDelayMs, policy.minDelayMs * policy.factor ** (attempt - 2));
  if (progress && progress.percent > 0 && progress.percent < 100 && progress.runningMs > 0) {
    const remaining = (progress.runningMs * (100 - progress.percent)) / progress.percent;
    delay = Math.min(delay, Math.max(policy.minDelayMs, remaining));
  }
  const jittered = Math.round(delay * (1 - policy.jitter + 2 * policy.jitter * random()));
  return attempt <= 1 ? jittered : Math.max(1, jittered);
}

/** Checks a policy, filling what is not given from the defaults. */
export function resolvePollPolicy(change: Partial<PollPolicy> = {}): PollPolicy {
  const policy: PollPolicy = { ...DEFAULT_POLL_POLICY };
  for (const [key, value] of Object.entries(change)) if (value !== undefined) policy[key as keyof PollPolicy] = value;
  if (!(policy.firstDelayMs >= 0 && policy.minDelayMs > 0 && policy.maxDelayMs >= policy.minDelayMs && policy.factor >= 1 && policy.jitter >= 0 && policy.jitter < 1)) {
    throw new RangeError(`invalid poll policy ${JSON.stringify(policy)}: need firstDelayMs >= 0, 0 < minDelayMs <= maxDelayMs, factor >= 1, 0 <= jitter < 1`);
  }
  return policy;
}
