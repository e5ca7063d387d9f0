import { DEFAULT_POLL_POLICY, type PollPolicy } from "../base/defaults.js";
import { InvalidArgumentError } from "../base/errors.js";

/** A check aimed at the estimated end goes this much after it, so that it does not arrive just before. */
const AIM_PAST_END = 1.05;

/** What the last check said about progress, to aim the next check at the expected end. */
export interface ProgressHint {
  /** 0–100. */
  percent: number;
  /** Time the job has been running, in ms. */
  runningMs: number;
}

/**
 * The delay before check number `attempt` (1 is the first): the backoff, jittered both ways. With a
 * progress hint, the check is aimed just after the estimated end (elapsed × remaining / done, at least
 * `minDelayMs`, jittered only later, never earlier) when that comes sooner, so a long job is checked
 * near its end rather than up to `maxDelayMs` after it, and a short one does not get a check just early.
 */
export function pollDelay(policy: PollPolicy, attempt: number, random: () => number, progress?: ProgressHint): number {
  const backoff = attempt <= 1 ? policy.firstDelayMs : Math.min(policy.maxDelayMs, policy.minDelayMs * policy.factor ** (attempt - 2));
  const draw = random();
  let delay = backoff * (1 - policy.jitter + 2 * policy.jitter * draw);
  if (progress && progress.percent > 0 && progress.percent < 100 && progress.runningMs > 0) {
    const remaining = (progress.runningMs * (100 - progress.percent)) / progress.percent;
    delay = Math.min(delay, Math.max(policy.minDelayMs, remaining * AIM_PAST_END) * (1 + policy.jitter * draw));
  }
  const rounded = Math.round(delay);
  return attempt <= 1 ? rounded : Math.max(1, rounded);
}

/** Checks a policy, filling what is not given from the defaults. */
export function resolvePollPolicy(change: Partial<PollPolicy> = {}): PollPolicy {
  const policy: PollPolicy = { ...DEFAULT_POLL_POLICY };
  for (const [key, value] of Object.entries(change)) if (value !== undefined) policy[key as keyof PollPolicy] = value;
  const checks: Array<[keyof PollPolicy, boolean]> = [
    ["firstDelayMs", policy.firstDelayMs >= 0],
    ["minDelayMs", policy.minDelayMs > 0],
    ["maxDelayMs", policy.maxDelayMs >= policy.minDelayMs],
    ["factor", policy.factor >= 1],
    ["jitter", policy.jitter >= 0 && policy.jitter < 1],
  ];
  const wrong = checks.find(([, ok]) => !ok)?.[0];
  if (wrong) {
    throw new InvalidArgumentError(
      `invalid poll policy ${JSON.stringify(policy)}: policy.${wrong} is ${policy[wrong]}; need firstDelayMs >= 0, 0 < minDelayMs <= maxDelayMs, factor >= 1, 0 <= jitter < 1`,
      `policy.${wrong}`,
    );
  }
  return policy;
}
