import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { createExportQueue } from "@impactkit/queue";
import type { Redis } from "ioredis";
import { startRedis } from "@impactkit/queue/testing";
import { sandboxProcess } from "./processes.ts";
import { scaleAccount } from "./scale-accounts.ts";
import { table } from "./stats.ts";

const HERE = import.meta.dirname;
/** Accounts the pipelines are spread over. */
const ACCOUNTS = 10;

export interface QueueRow {
  workers: number;
  pipelines: number;
  elapsedMs: number;
  /** Redis commands per pipeline, the benchmark's own progress reads excluded. */
  commandsPerPipeline: number;
}

/** Commands Redis has run since its statistics were reset. */
async function commands(redis: Redis): Promise<number> {
  const info = await redis.info("commandstats");
  return [...info.matchAll(/calls=(\d+)/g)].reduce((sum, [, calls]) => sum + Number(calls), 0);
}

async function startWorker(redisUrl: string, sandboxUrl: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(HERE, "queue-worker-child.ts"), redisUrl, sandboxUrl, String(ACCOUNTS)], { stdio: ["pipe", "pipe", "inherit"] });
  await createInterface({ input: child.stdout! })[Symbol.asyncIterator]().next();
  return child;
}

/**
 * `pipelines` exports (export → wait → download, each job a few sandbox seconds) through 1, 2 and 4 worker
 * processes (concurrency 8 each) against one sandbox in another process and a real Redis; the budget and
 * the sandbox's rate limit set high, so that what is measured is the queue, not the hourly budget.
 */
export async function queueBench(pipelines: number): Promise<QueueRow[]> {
  const redis = await startRedis();
  const sandbox = await sandboxProcess({
    timeScale: 1_000,
    accounts: Array.from({ length: ACCOUNTS }, (_, index) => scaleAccount(index)),
    rateLimit: { perHour: 100_000_000 },
    job: { queueMs: 500, runMs: 4_500, rows: 100 },
  });
  const dir = mkdtempSync(join(tmpdir(), "impactkit-queue-bench-"));
  const queue = createExportQueue({ redisUrl: redis.url, flavors: ["partner-v15"] });
  const rows: QueueRow[] = [];
  try {
    const before = await commands(redis.client);
    await queue.queue.getJobCounts("completed", "failed");
    const perRead = (await commands(redis.client)) - before - 1;
    for (const workers of [1, 2, 4]) {
      await redis.client.flushall();
      const children = await Promise.all(Array.from({ length: workers }, () => startWorker(redis.url, sandbox.url)));
      await redis.client.config("RESETSTAT");
      const started = performance.now();
      for (let index = 0; index < pipelines; index += 1) {
        const { accountSid } = scaleAccount(index % ACCOUNTS);
        await queue.add({
          flavor: "partner-v15",
          account: accountSid,
          export: { report: "mp_action_listing_fast", params: { START_DATE: "2026-11-01", END_DATE: "2026-11-01", SUBAID: `${workers}-${index}` } },
          to: join(dir, `${workers}-${index}.csv`),
        });
      }
      let reads = 0;
      for (;;) {
        const counts = await queue.queue.getJobCounts("completed", "failed");
        reads += 1;
        if ((counts["completed"] ?? 0) + (counts["failed"] ?? 0) >= pipelines) {
          if (counts["failed"]) throw new Error(`${counts["failed"]} pipelines failed`);
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const elapsedMs = performance.now() - started;
      const total = (await commands(redis.client)) - reads * perRead;
      rows.push({ workers, pipelines, elapsedMs, commandsPerPipeline: total / pipelines });
      for (const child of children) child.stdin!.end();
      await Promise.all(children.map((child) => new Promise((resolve) => child.once("exit", resolve))));
    }
  } finally {
    await queue.close();
    await sandbox.stop();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

export function renderQueue(rows: readonly QueueRow[]): string {
  const perMinute = (row: QueueRow) => (row.pipelines / row.elapsedMs) * 60_000;
  const one = rows[0]!;
  return [
    table(
      ["worker processes", "pipelines", "wall time", "pipelines per minute", "vs 1 worker", "Redis commands per pipeline"],
      rows.map((row) => [
        String(row.workers),
        String(row.pipelines),
        `${(row.elapsedMs / 1000).toFixed(1)} s`,
        perMinute(row).toFixed(0),
        `${(perMinute(row) / perMinute(one)).toFixed(2)}×`,
        row.commandsPerPipeline.toFixed(0),
      ]),
    ),
    "",
    `Pipelines over ${ACCOUNTS} accounts; each job lasts 5 sandbox seconds (5 ms: the sandbox's clock runs 1,000× faster) and is checked every 50 ms while it runs. Every process shares the machine's ${cpus().length} cores with the sandbox and Redis, so more workers than cores measure contention too.`,
  ].join("\n");
}
