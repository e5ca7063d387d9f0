import { ANCHORS, IMPACTKIT, simulate, simulateWithNotify, type Outcome, type Policy, type SimJob } from "./policies.ts";
import { logNormal, mean, quantile, seeded, table } from "./stats.ts";

export interface PolicyRow {
  policy: string;
  source: string;
  requests: { median: number; p95: number; mean: number };
  delay: { medianMs: number; p95Ms: number; medianFraction: number; p95Fraction: number };
}

/**
 * Job durations: log-normal around 5 s (σ = 1.5), clamped to [0.5 s, 30 min]: most take seconds, a tail
 * takes up to half an hour. With `queued`, a random 0–50 % of each job's time is spent QUEUED at 0 % first
 * (the Jobs page: a job may wait in the queue), so progress estimates start late.
 */
function simulatedJobs(count: number, seed: number, queued = false): SimJob[] {
  const random = seeded(seed);
  return Array.from({ length: count }, () => {
    const durationMs = Math.min(1_800_000, Math.max(500, logNormal(random, 5_000, 1.5)));
    return queued ? { durationMs, queueMs: durationMs * 0.5 * random() } : { durationMs };
  });
}

function summarise(policy: string, source: string, jobs: readonly SimJob[], outcomes: readonly Outcome[]): PolicyRow {
  const requests = outcomes.map((outcome) => outcome.requests);
  const delays = outcomes.map((outcome) => outcome.delayMs);
  const fractions = outcomes.map((outcome, index) => outcome.delayMs / jobs[index]!.durationMs);
  return {
    policy,
    source,
    requests: { median: quantile(requests, 0.5), p95: quantile(requests, 0.95), mean: mean(requests) },
    delay: { medianMs: quantile(delays, 0.5), p95Ms: quantile(delays, 0.95), medianFraction: quantile(fractions, 0.5), p95Fraction: quantile(fractions, 0.95) },
  };
}

/** Every policy over the same simulated jobs, in virtual time (no sockets); `queued` adds a queue phase. */
export function pollPolicyBench(count: number, seed = 42, queued = false): PolicyRow[] {
  const jobs = simulatedJobs(count, seed, queued);
  const run = (policy: Policy) =>
    summarise(
      policy.name,
      policy.source,
      jobs,
      jobs.map((job, index) => simulate(job, policy, seeded(seed * 7919 + index))),
    );
  return [
    run(IMPACTKIT),
    summarise(
      "impactkit + notify",
      "default policy, woken by a Job Completion Event 1 s after completion",
      jobs,
      jobs.map((job, index) => simulateWithNotify(job, IMPACTKIT, seeded(seed * 7919 + index), 1_000)),
    ),
    ...ANCHORS.map(run),
  ];
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const percent = (fraction: number) => `${(fraction * 100).toFixed(1)} %`;

export function renderPollPolicy(rows: readonly PolicyRow[], count: number): string {
  const impactkit = rows[0]!;
  const find = (name: string) => rows.find((row) => row.policy === name)!;
  const azure = find("Azure core-lro");
  const aws = find("AWS waiter");
  const google = find("Google LRO");
  const check = (ok: boolean) => (ok ? "met" : "**not met**");
  return [
    table(
      ["policy", "requests/job median", "p95", "mean", "delay median", "p95", "delay/duration median", "p95"],
      rows.map((row) => [
        row.policy,
        String(row.requests.median),
        String(row.requests.p95),
        row.requests.mean.toFixed(2),
        seconds(row.delay.medianMs),
        seconds(row.delay.p95Ms),
        percent(row.delay.medianFraction),
        percent(row.delay.p95Fraction),
      ]),
    ),
    "",
    `${count.toLocaleString("en-US")} simulated jobs. Policies: ${rows.map((row) => `${row.policy} — ${row.source}`).join("; ")}.`,
    "",
    "Targets:",
    `- fewer requests than Google LRO: mean ${impactkit.requests.mean.toFixed(2)} vs ${google.requests.mean.toFixed(2)}, median ${impactkit.requests.median} vs ${google.requests.median} — ${check(impactkit.requests.mean < google.requests.mean && impactkit.requests.median < google.requests.median)}`,
    `- at most half of Azure's requests: mean ${(impactkit.requests.mean / azure.requests.mean).toFixed(2)}×, p95 ${(impactkit.requests.p95 / azure.requests.p95).toFixed(2)}×, median ${(impactkit.requests.median / azure.requests.median).toFixed(2)}× — mean ${check(impactkit.requests.mean <= azure.requests.mean / 2)}, p95 ${check(impactkit.requests.p95 <= azure.requests.p95 / 2)}, median ${check(impactkit.requests.median <= azure.requests.median / 2)}`,
    `- p95 detection delay at most half of AWS's: ${seconds(impactkit.delay.p95Ms)} vs ${seconds(aws.delay.p95Ms)} (${(impactkit.delay.p95Ms / aws.delay.p95Ms).toFixed(2)}×) — ${check(impactkit.delay.p95Ms <= aws.delay.p95Ms / 2)}`,
  ].join("\n");
}
