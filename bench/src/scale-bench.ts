import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createJobs } from "@impactkit/jobs";
import { createClient } from "@impactkit/partner-v15";
import { runChild, sandboxProcess } from "./processes.ts";
import { scaleAccount } from "./scale-accounts.ts";
import { seeded, table } from "./stats.ts";
import { UNCOUNTED, UNLIMITED_EXPORTS } from "./uncounted-quota.ts";

/** The documented hourly budget of an account (https://integrations.impact.com/impact-brand/reference/rate-limits): what every workload runs under. */
const BUDGET_PER_HOUR = 1_000;
/** How much faster than real time the sandbox's clock runs (the waiting process's timers follow it). */
const TIME_SCALE = 60;
/** The scale (b) is measured at again: six times less compressed, still ten times denser than real time. */
const SLOW_TIME_SCALE = 10;
/**
 * (b) once more with V8's young generation as Node.js 20 sizes it on 64-bit (16 MB semi-spaces): Node.js 22
 * and later size it from the machine's memory (64 MB semi-spaces on 24 GiB), and under a steady allocation
 * rate it grows to that maximum whatever a program keeps (https://github.com/nodejs/node/issues/62723).
 */
const NODE20_YOUNG_GENERATION = ["--max-semi-space-size=16"];

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
  youngGenerationBytes: number;
}

export interface ScaleRow extends ChildReport {
  workload: string;
  /** The V8 flags of the waiting process ("" for the defaults). */
  v8Flags: string;
  accounts: number;
  observe: string;
  /** How much faster than real time the sandbox's clock ran. */
  scale: number;
  /** The longest job, in ms. */
  longestMs: number;
}

/** Job plans lasting 5 s to `longestMs` (uniform, seeded), the first tenth of each QUEUED at 0 %. */
function plans(count: number, longestMs: number): Array<{ queueMs: number; runMs: number; rows: number }> {
  const random = seeded(2026);
  return Array.from({ length: count }, () => {
    const totalMs = 5_000 + random() * (longestMs - 5_000);
    return { queueMs: Math.round(totalMs / 10), runMs: Math.round((totalMs * 9) / 10), rows: 10 };
  });
}

/** Exports `perAccount` jobs on each account from this process; their ids, per account, in a temporary file. */
async function exportElsewhere(baseUrl: string, accounts: number, perAccount: number): Promise<string> {
  const ids = await Promise.all(
    Array.from({ length: accounts }, async (_, index) => {
      const jobs = createJobs(createClient({ ...scaleAccount(index), baseUrl }), {
        timeoutMs: 86_400_000,
        requestTimeoutMs: 10_000_000,
        exportQuota: UNCOUNTED,
      });
      const made: string[] = [];
      for (let job = 0; job < perAccount; job += 1)
        made.push((await jobs.exportReport("mp_action_listing_fast", { START_DATE: "2026-11-01", END_DATE: "2026-11-01", SUBAID: String(job) })).id);
      return made;
    }),
  );
  const file = join(mkdtempSync(join(tmpdir(), "impactkit-scale-")), "ids.json");
  writeFileSync(file, JSON.stringify(ids));
  return file;
}

/**
 * One workload: `perAccount` exports and waits on each of `accounts` accounts, observed as `observe` says
 * (see scale-child.ts); with `exportedElsewhere`, this process exports and the measured one only waits.
 */
async function workload(
  name: string,
  accounts: number,
  perAccount: number,
  observe: string,
  scale: number,
  longestMs: number,
  exportedElsewhere = false,
  v8Flags: readonly string[] = [],
): Promise<ScaleRow> {
  const sandbox = await sandboxProcess({
    timeScale: scale,
    accounts: Array.from({ length: accounts }, (_, index) => scaleAccount(index)),
    planned: plans(accounts * perAccount, longestMs),
    rateLimit: { perHour: BUDGET_PER_HOUR, resetFormat: "seconds" },
    dailyExportLimits: UNLIMITED_EXPORTS,
  });
  const idsFile = exportedElsewhere ? await exportElsewhere(sandbox.url, accounts, perAccount) : undefined;
  try {
    const report = await runChild<ChildReport>(
      "scale-child.ts",
      [
        sandbox.url,
        String(accounts),
        String(perAccount),
        String(scale),
        String(sandbox.sandboxNow),
        String(sandbox.realNow),
        observe,
        ...(idsFile ? [idsFile] : []),
      ],
      v8Flags,
    );
    return { workload: name, v8Flags: v8Flags.join(" "), accounts, observe, scale, longestMs, ...report };
  } finally {
    if (idsFile) rmSync(join(idsFile, ".."), { recursive: true, force: true });
    await sandbox.stop();
  }
}

/**
 * (a) `exports` exports on one account, each lasting 5 s to `longestMs` (5 min), observed through the Jobs list; (b) `waits`
 * concurrent waits over 100 accounts in one process (the jobs exported by another), with the sandbox's
 * clock 60× and 10× faster than real time — the faster, the more of the waits' work lands in each real
 * millisecond; (c) the anchors' per-job polling (fixed 2 s, Azure core-lro; fixed 5 s, OpenAI's helpers) on
 * workload (a). Every account has the documented 1,000 requests an hour.
 */
export async function scaleBench(exports: number, waits: number, longestMs = 300_000): Promise<ScaleRow[]> {
  const accounts = Math.min(100, waits);
  const concurrent = (scale: number, v8Flags: readonly string[] = []) =>
    workload(
      "(b) concurrent waits, 100 accounts (exported by another process)",
      accounts,
      Math.ceil(waits / accounts),
      "list",
      scale,
      longestMs,
      true,
      v8Flags,
    );
  return [
    await workload("(a) exports on one account", 1, exports, "list", TIME_SCALE, longestMs),
    await concurrent(TIME_SCALE),
    await concurrent(SLOW_TIME_SCALE),
    await concurrent(SLOW_TIME_SCALE, NODE20_YOUNG_GENERATION),
    await workload("(c) (a) polled per job, fixed 2 s (Azure core-lro)", 1, exports, "per-job:2000", TIME_SCALE, longestMs),
    await workload("(c) (a) polled per job, fixed 5 s (OpenAI helpers)", 1, exports, "per-job:5000", TIME_SCALE, longestMs),
  ];
}

export function renderScale(rows: readonly ScaleRow[]): string {
  const a = rows[0]!;
  const concurrent = rows.filter((row) => row.workload.startsWith("(b)"));
  const v8 = (row: ScaleRow) => (row.v8Flags ? `\`${row.v8Flags}\`` : "defaults");
  const check = (ok: boolean) => (ok ? "met" : "**not met**");
  const perJob = (row: ScaleRow) => row.pollRequests / row.waits;
  return [
    table(
      [
        "workload",
        "time scale",
        "V8 heap",
        "accounts",
        "waits",
        "completed",
        "export requests",
        "poll requests",
        "poll requests per job",
        "429s",
        "peak RSS",
        "of it V8's young generation",
        "event-loop delay p99",
        "sandbox time",
        "wall time",
      ],
      rows.map((row) => [
        row.workload,
        `${row.scale}×`,
        v8(row),
        String(row.accounts),
        row.waits.toLocaleString("en-US"),
        row.completed.toLocaleString("en-US"),
        row.exportRequests.toLocaleString("en-US"),
        row.pollRequests.toLocaleString("en-US"),
        perJob(row).toFixed(2),
        String(row.rateLimited),
        `${(row.maxRssBytes / 1e6).toFixed(0)} MB`,
        `${(row.youngGenerationBytes / 1e6).toFixed(0)} MB`,
        `${row.eventLoopDelayP99Ms.toFixed(1)} ms`,
        `${(row.elapsedSandboxMs / 60_000).toFixed(1)} min`,
        `${(row.elapsedRealMs / 1000).toFixed(1)} s`,
      ]),
    ),
    "",
    `Every account has the documented budget of ${BUDGET_PER_HOUR.toLocaleString("en-US")} requests an hour; jobs last 5 s to ${Math.max(...rows.map((row) => row.longestMs)) / 1000} s (a tenth of it QUEUED). The sandbox runs in its own process, its clock faster than real time as the table says, and the waiting process's timers follow it. Requests are counted by the waiting process; a 429 is an answer it received. The waiting process runs as JavaScript compiled from bench/src/scale-child.ts, as a deployed program does; peak RSS is its maximum resident set. V8 sizes its young generation (the heap's nursery, two semi-spaces) by itself, up to a maximum that Node.js 22 and later derive from the machine's memory; the last (b) row caps it where Node.js 20 does (16 MB semi-spaces).`,
    "",
    "Targets:",
    `- (a) all complete, 0 × 429, poll requests per job ≤ 0.2: ${a.completed}/${a.waits}, ${a.rateLimited} × 429, ${perJob(a).toFixed(2)} — ${check(a.completed === a.waits && a.rateLimited === 0 && perJob(a) <= 0.2)}`,
    ...concurrent.map(
      (row) =>
        `- (b) at ${row.scale}×, V8 heap ${v8(row)}: all complete, 0 × 429, peak RSS ≤ 250 MB, event-loop delay p99 ≤ 20 ms: ${row.completed}/${row.waits}, ${row.rateLimited} × 429, ${(row.maxRssBytes / 1e6).toFixed(0)} MB, ${row.eventLoopDelayP99Ms.toFixed(1)} ms — completion and 429s ${check(row.completed === row.waits && row.rateLimited === 0)}, RSS ${check(row.maxRssBytes <= 250e6)}, event-loop delay ${check(row.eventLoopDelayP99Ms <= 20)}`,
    ),
  ].join("\n");
}
