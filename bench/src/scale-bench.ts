import { runChild, sandboxProcess } from "./processes.ts";
import { seeded, table } from "./stats.ts";

/** The documented hourly budget of an account (impact-api.md §3.5): what every workload runs under. */
const BUDGET_PER_HOUR = 1_000;
/** How much faster than real time the sandbox's clock runs (the waiting process's timers follow it). */
const TIME_SCALE = 60;

/** One workload's outcome, as the waiting process reports it. */
interface ChildReport {
  waits: number;
  completed: number;
  exportRequests: number;
  pollRequests: number;
  rateLimited: number;
  elapsedRealMs: number;
  elapsedSandboxMs: number;
  eventLoopDelayP99Ms: number;
  maxRssBytes: number;
}

export interface ScaleRow extends ChildReport {
  workload: string;
  accounts: number;
  observe: string;
}

/** Job plans lasting 5 s to 5 min (uniform, seeded), the first tenth of each QUEUED at 0 %. */
function plans(count: number): Array<{ queueMs: number; runMs: number; rows: number }> {
  const random = seeded(2026);
  return Array.from({ length: count }, () => {
    const totalMs = 5_000 + random() * 295_000;
    return { queueMs: Math.round(totalMs / 10), runMs: Math.round((totalMs * 9) / 10), rows: 10 };
  });
}

/** One workload: `perAccount` exports and waits on each of `accounts` accounts, observed as `observe` says (see scale-child.ts). */
async function workload(name: string, accounts: number, perAccount: number, observe: string, scale: number): Promise<ScaleRow> {
  const sandbox = await sandboxProcess({
    timeScale: scale,
    accounts: Array.from({ length: accounts }, (_, index) => ({ accountSid: `IRSCALE${String(index).padStart(4, "0")}`, authToken: `token-${index}` })),
    planned: plans(accounts * perAccount),
    rateLimit: { perHour: BUDGET_PER_HOUR, resetFormat: "seconds" },
  });
  try {
    const report = await runChild<ChildReport>("scale-child.ts", [sandbox.url, String(accounts), String(perAccount), String(scale), String(sandbox.sandboxNow), String(sandbox.realNow), observe]);
    return { workload: name, accounts, observe, ...report };
  } finally {
    await sandbox.stop();
  }
}

/**
 * (a) `exports` exports on one account, each lasting 5 s–5 min, observed through the Jobs list; (b) `waits`
 * concurrent waits over 100 accounts in one process; (c) the anchors' per-job polling (fixed 2 s, Azure
 * core-lro; fixed 5 s, OpenAI's helpers) on workload (a). Every account has the documented 1,000 requests an hour.
 */
export async function scaleBench(exports: number, waits: number, scale = TIME_SCALE): Promise<ScaleRow[]> {
  const accounts = Math.min(100, waits);
  return [
    await workload("(a) exports on one account", 1, exports, "list", scale),
    await workload("(b) concurrent waits, 100 accounts", accounts, Math.ceil(waits / accounts), "list", scale),
    await workload("(c) (a) polled per job, fixed 2 s (Azure core-lro)", 1, exports, "per-job:2000", scale),
    await workload("(c) (a) polled per job, fixed 5 s (OpenAI helpers)", 1, exports, "per-job:5000", scale),
  ];
}

export function renderScale(rows: readonly ScaleRow[]): string {
  const [a, b] = rows as [ScaleRow, ScaleRow];
  const check = (ok: boolean) => (ok ? "met" : "**not met**");
  const perJob = (row: ScaleRow) => row.pollRequests / row.waits;
  return [
    table(
      ["workload", "accounts", "waits", "completed", "export requests", "poll requests", "poll requests per job", "429s", "peak RSS", "event-loop delay p99", "sandbox time", "wall time"],
      rows.map((row) => [
        row.workload,
        String(row.accounts),
        row.waits.toLocaleString("en-US"),
        row.completed.toLocaleString("en-US"),
        row.exportRequests.toLocaleString("en-US"),
        row.pollRequests.toLocaleString("en-US"),
        perJob(row).toFixed(2),
        String(row.rateLimited),
        `${(row.maxRssBytes / 1e6).toFixed(0)} MB`,
        `${row.eventLoopDelayP99Ms.toFixed(1)} ms`,
        `${(row.elapsedSandboxMs / 60_000).toFixed(1)} min`,
        `${(row.elapsedRealMs / 1000).toFixed(1)} s`,
      ]),
    ),
    "",
    `Every account has the documented budget of ${BUDGET_PER_HOUR.toLocaleString("en-US")} requests an hour; jobs last 5 s to 5 min (a tenth of it QUEUED). The sandbox runs in its own process, its clock ${TIME_SCALE}× faster than real time, and the waiting process's timers follow it. Requests are counted by the waiting process; a 429 is an answer it received.`,
    "",
    "Targets:",
    `- (a) all complete, 0 × 429, poll requests per job ≤ 0.2: ${a.completed}/${a.waits}, ${a.rateLimited} × 429, ${perJob(a).toFixed(2)} — ${check(a.completed === a.waits && a.rateLimited === 0 && perJob(a) <= 0.2)}`,
    `- (b) all complete, 0 × 429, peak RSS ≤ 250 MB, event-loop delay p99 ≤ 20 ms: ${b.completed}/${b.waits}, ${b.rateLimited} × 429, ${(b.maxRssBytes / 1e6).toFixed(0)} MB, ${b.eventLoopDelayP99Ms.toFixed(1)} ms — ${check(b.completed === b.waits && b.rateLimited === 0 && b.maxRssBytes <= 250e6 && b.eventLoopDelayP99Ms <= 20)}`,
  ].join("\n");
}
