import { DEFAULT_POLL_POLICY } from "@impactkit/jobs";
import { pollDelay } from "@impactkit/jobs/engine";

/**
 * A simulated job: how long it takes from creation to completion (ms), of which the first `queueMs` are
 * QUEUED at 0 % (default none). Progress is linear over its run, as the sandbox reports it.
 */
export interface SimJob {
  durationMs: number;
  queueMs?: number;
}

/**
 * One poll policy under test: the delay before poll number `attempt` (1-based), given what the last poll
 * saw: the percentage and how long the job has been running (0 while QUEUED).
 */
export interface Policy {
  name: string;
  source: string;
  delay(attempt: number, random: () => number, seen: { elapsedMs: number; percent: number }): number;
}

/** What a poll at `t` (ms after creation) sees of `job`. */
function seen(job: SimJob, t: number): { elapsedMs: number; percent: number } {
  const running = t - (job.queueMs ?? 0);
  const runMs = job.durationMs - (job.queueMs ?? 0);
  return running <= 0 ? { elapsedMs: 0, percent: 0 } : { elapsedMs: running, percent: Math.min(99, Math.floor((running / runMs) * 100)) };
}

/** impactkit's default policy, aimed at the progress-based estimate of the end. */
export const IMPACTKIT: Policy = {
  name: "impactkit (default)",
  source: "@impactkit/jobs DEFAULT_POLL_POLICY + progress hint",
  delay: (attempt, random, seen) =>
    pollDelay(DEFAULT_POLL_POLICY, attempt, random, seen.percent > 0 ? { percent: seen.percent, runningMs: seen.elapsedMs } : undefined),
};

/**
 * Other pollers' defaults: @azure/core-lro (https://github.com/Azure/azure-sdk-for-js/blob/main/sdk/core/core-lro/src/poller/constants.ts),
 * openai-node's poll helpers (https://github.com/openai/openai-node/blob/master/src/lib/polling.ts), smithy's
 * util-waiter (https://github.com/smithy-lang/smithy-typescript/tree/main/packages/util-waiter) and google-gax's
 * long-running operations (https://github.com/googleapis/gax-nodejs/blob/main/gax/src/longRunningCalls/longrunning.ts).
 */
export const ANCHORS: readonly Policy[] = [
  { name: "Azure core-lro", source: "fixed 2 s (POLL_INTERVAL_IN_MS)", delay: () => 2_000 },
  { name: "OpenAI helpers", source: "fixed 5 s (pollIntervalMs)", delay: () => 5_000 },
  {
    name: "AWS waiter",
    source: "minDelay 2 s, maxDelay 120 s, attempt k waits U[min, min(max, min·2^(k-1))]",
    delay: (attempt, random) => {
      if (attempt <= 1) return 2_000;
      const ceiling = Math.min(120_000, 2_000 * 2 ** (attempt - 1));
      return ceiling >= 120_000 ? 120_000 : 2_000 + random() * (ceiling - 2_000);
    },
  },
  { name: "Google LRO", source: "100 ms × 1.3 per poll, cap 60 s", delay: (attempt) => Math.min(60_000, 100 * 1.3 ** (attempt - 1)) },
];

export interface Outcome {
  requests: number;
  delayMs: number;
}

/** Polls one job with a policy until a poll sees it done; the poll reads progress as percent of the run. */
export function simulate(job: SimJob, policy: Policy, random: () => number): Outcome {
  let t = 0;
  for (let attempt = 1; ; attempt += 1) {
    t += policy.delay(attempt, random, seen(job, t));
    if (t >= job.durationMs) return { requests: attempt, delayMs: t - job.durationMs };
  }
}

/**
 * With a Job Completion Event postback: the waiter polls as usual until the event arrives (after
 * `latencyMs`), then checks once at once.
 */
export function simulateWithNotify(job: SimJob, policy: Policy, random: () => number, latencyMs: number): Outcome {
  let t = 0;
  const notifiedAt = job.durationMs + latencyMs;
  for (let attempt = 1; ; attempt += 1) {
    const next = t + policy.delay(attempt, random, seen(job, t));
    if (next >= notifiedAt) return { requests: attempt, delayMs: latencyMs };
    t = next;
    if (t >= job.durationMs) return { requests: attempt, delayMs: t - job.durationMs };
  }
}
