import { readFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { getHeapSpaceStatistics } from "node:v8";
import { createJobs, type JobsOptions, type Timing } from "@impactkit/jobs";
import { createClient } from "@impactkit/partner-v15";
import { scaleAccount } from "./scale-accounts.ts";
import { UNCOUNTED } from "./uncounted-quota.ts";

/**
 * Exports and waits for `perAccount` jobs on each of `accounts` accounts in this process, against a sandbox
 * in another process whose clock runs `scale` times faster. `observe`: `list` — one `createJobs` instance
 * per account (so one rate budget and one Jobs list for its waits); `per-job:<ms>` — the anchors' way: every
 * job polled on its own every `<ms>` (fixed interval), each wait an instance of its own. With `idsFile`
 * (a JSON array per account), the jobs were exported elsewhere and this process only waits.
 * Prints one JSON line: requests by kind, 429s, event-loop delay p99, peak RSS and the size V8 gave its
 * young generation (both semi-spaces; it grows with what survives, up to a maximum V8 derives from the machine).
 */
const [baseUrl, accountsArg, perAccountArg, scaleArg, sandboxNowArg, realNowArg, observe, idsFile] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
  string,
  string,
  string | undefined,
];
const [accounts, perAccount, scale, sandboxNow, realNow] = [accountsArg, perAccountArg, scaleArg, sandboxNowArg, realNowArg].map(Number) as [
  number,
  number,
  number,
  number,
  number,
];
const timing: Timing = {
  now: () => sandboxNow + (Date.now() - realNow) * scale,
  random: () => Math.random(),
  setTimer(run, ms) {
    const timer = setTimeout(run, Math.max(0, ms) / scale);
    return () => clearTimeout(timer);
  },
};
const counts = { requests: 0, rateLimited: 0 };
const countingFetch = async (request: Request) => {
  counts.requests += 1;
  const response = await fetch(request);
  if (response.status === 429) counts.rateLimited += 1;
  return response;
};
const perJob = observe.startsWith("per-job:") ? Number(observe.slice("per-job:".length)) : undefined;
const options: JobsOptions = {
  timing,
  concurrency: 32,
  timeoutMs: 86_400_000,
  requestTimeoutMs: 10_000_000,
  exportQuota: UNCOUNTED,
  ...(perJob ? { policy: { firstDelayMs: perJob, minDelayMs: perJob, maxDelayMs: perJob, factor: 1, jitter: 0 } } : {}),
};
const accountJobs = (index: number) => () => createJobs(createClient({ ...scaleAccount(index), baseUrl, fetch: countingFetch }), options);
const instances = Array.from({ length: accounts }, (_, index) => accountJobs(index));

const exported: Array<{ jobs: ReturnType<(typeof instances)[number]>; id: string }> = [];
const given = idsFile ? (JSON.parse(readFileSync(idsFile, "utf8")) as string[][]) : undefined;
await Promise.all(
  instances.map(async (make, account) => {
    const jobs = make();
    if (given) return void exported.push(...given[account]!.map((id) => ({ jobs: perJob ? make() : jobs, id })));
    for (let index = 0; index < perAccount; index += 1) {
      const handle = await jobs.exportReport("mp_action_listing_fast", { START_DATE: "2026-11-01", END_DATE: "2026-11-01", SUBAID: String(index) });
      exported.push({ jobs: perJob ? make() : jobs, id: handle.id });
    }
  }),
);
const exportRequests = counts.requests;
const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
const startedSandbox = timing.now();
const startedReal = performance.now();
const results = await Promise.allSettled(exported.map(({ jobs, id }) => jobs.wait(id)));
const elapsedSandboxMs = timing.now() - startedSandbox;
delay.disable();
console.log(
  JSON.stringify({
    waits: exported.length,
    completed: results.filter((result) => result.status === "fulfilled" && result.value.Status === "COMPLETED").length,
    exportRequests,
    pollRequests: counts.requests - exportRequests,
    rateLimited: counts.rateLimited,
    elapsedRealMs: performance.now() - startedReal,
    elapsedSandboxMs,
    eventLoopDelayP99Ms: delay.percentile(99) / 1e6,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    youngGenerationBytes: getHeapSpaceStatistics().find((space) => space.space_name === "new_space")?.space_size ?? 0,
  }),
);
