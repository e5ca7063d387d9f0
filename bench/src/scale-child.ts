import { monitorEventLoopDelay } from "node:perf_hooks";
import { createJobs, type Timing } from "@impactkit/jobs";
import { createClient } from "@impactkit/partner-v15";
import { DEFAULT_ACCOUNT } from "@impactkit/sandbox";

/**
 * Waits for `count` jobs at once in this process, against a sandbox in another process whose clock runs
 * `scale` times faster: one jobs instance, so one scheduler and one rate budget.
 */
const [baseUrl, count, scale, sandboxNow, realNow] = process.argv.slice(2).map((value, index) => (index === 0 ? value : Number(value))) as [string, number, number, number, number];
const timing: Timing = {
  now: () => sandboxNow + (Date.now() - realNow) * scale,
  random: () => Math.random(),
  setTimer(run, ms) {
    const timer = setTimeout(run, Math.max(0, ms) / scale);
    return () => clearTimeout(timer);
  },
};
let requests = 0;
const countingFetch = (request: Request) => ((requests += 1), fetch(request));
const jobs = createJobs(createClient({ ...DEFAULT_ACCOUNT, baseUrl, fetch: countingFetch }), { timing, concurrency: 32, timeoutMs: 86_400_000, requestTimeoutMs: 10_000_000 });
const ids: string[] = [];
let next = 0;
await Promise.all(
  Array.from({ length: 32 }, async () => {
    for (let index = next++; index < count; index = next++) ids.push((await jobs.exportReport("mp_action_listing_fast", { START_DATE: "2026-11-01", END_DATE: "2026-11-01", SUBAID: String(index) })).id);
  }),
);
const exportRequests = requests;
const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
const startedSandbox = timing.now();
const startedReal = performance.now();
const results = await jobs.waitAll(ids);
const elapsedSandboxMs = timing.now() - startedSandbox;
delay.disable();
console.log(
  JSON.stringify({
    waits: ids.length,
    completed: results.filter((result) => result.status === "fulfilled" && result.value.Status === "COMPLETED").length,
    pollRequests: requests - exportRequests,
    elapsedRealMs: performance.now() - startedReal,
    elapsedSandboxMs,
    eventLoopDelayP99Ms: delay.percentile(99) / 1e6,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  }),
);
