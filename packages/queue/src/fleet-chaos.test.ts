import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { startSandbox, type Sandbox } from "@impactkit/sandbox";
import { QueueEvents } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DOCUMENTED_HOURLY_BUDGET } from "@impactkit/jobs";
import { createExportQueue, type ExportQueue } from "./export-queue.js";
import { dumpRedis, startRedis, type ThrowawayRedis } from "./testing.js";

/**
 * The fleet under chaos: worker processes share a queue over several accounts, two of them are SIGKILLed
 * mid-run (mid-step, as often as not) and started again. `pnpm test` runs it small; `pnpm soak:queue`
 * (`IMPACTKIT_CHAOS=full`) at full size.
 */
const FULL = process.env["IMPACTKIT_CHAOS"] === "full";
const EXPORTS = FULL ? 200 : 30;
const ACCOUNTS = 5;
const WORKERS = 3;

let redis: ThrowawayRedis;
let sandbox: Sandbox;
let dir: string;
let queue: ExportQueue<"partner-v15">;
const accounts = Array.from({ length: ACCOUNTS }, (_, index) => ({ accountSid: `IRCHAOS0000${index + 1}`, authToken: `chaos-token-${index + 1}-5c1e` }));
const children = new Set<ChildProcess>();
/** Pipelines that meet a permanent answer (a report that does not exist, an account the API does not know): they fail in one attempt. */
const PERMANENT = [
  { report: "no_such_report", account: "IRCHAOS00001" },
  { report: "mp_action_listing_fast", account: "IRCHAOSGONE1" },
];
const PERMANENT_IDS = new Set<string>();

beforeAll(async () => {
  redis = await startRedis();
  // The real clock: the sandbox's hours are the workers' hours, so that its hourly budget is theirs.
  sandbox = await startSandbox({ clock: { timeScale: 1 }, job: { queueMs: 300, runMs: 1_500, rows: 6_000 } });
  for (const account of accounts) sandbox.control.addAccount(account);
  dir = mkdtempSync(join(tmpdir(), "impactkit-chaos-"));
  queue = createExportQueue({ redisUrl: redis.url, flavors: ["partner-v15"], name: "chaos" });
});
afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  await queue?.close();
  await sandbox?.close();
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts a worker process with every account's token in its environment (its own configuration); resolves once it listens. */
async function startWorker(): Promise<ChildProcess> {
  const tokens = Object.fromEntries(accounts.map((account) => [`IMPACT_AUTH_TOKEN_${account.accountSid}`, account.authToken]));
  // A token for an account the API does not know: its pipeline meets a 401.
  tokens["IMPACT_AUTH_TOKEN_IRCHAOSGONE1"] = "a-token-the-api-does-not-know";
  // Checks 1 s apart, a lock of 2 s (a killed worker's step is taken over within seconds), the observer's list every 300 ms.
  const child = spawn(process.execPath, [join(import.meta.dirname, "worker-process.fixture.mjs"), redis.url, "chaos", sandbox.url, "1000", "2000", "300"], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, ...tokens },
  });
  children.add(child);
  child.once("exit", () => children.delete(child));
  await createInterface({ input: child.stdout! })[Symbol.asyncIterator]().next();
  return child;
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once("exit", (_, signal) => resolve(signal)));
  child.kill("SIGKILL");
  expect(await exited).toBe("SIGKILL");
}

/** Waits until `count` pipelines completed, failing at once if one of the runnable ones failed. A bound on waiting, not a duration under test. */
async function completed(count: number): Promise<void> {
  for (let attempt = 0; attempt < 6_000; attempt += 1) {
    const counts = await queue.queue.getJobCounts("completed", "failed");
    const failed = (await queue.queue.getFailed()).filter((pipeline) => !PERMANENT_IDS.has(pipeline.id!));
    if (failed.length > 0) throw new Error(`pipeline ${failed[0]!.id} failed: ${failed[0]!.failedReason}`);
    if (counts["completed"]! >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gave up waiting for ${count} completed pipelines`);
}

const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

describe(`a fleet of ${WORKERS} workers, ${EXPORTS} exports over ${ACCOUNTS} accounts, two workers SIGKILLed and restarted`, () => {
  it("publishes every file once with the sandbox's sha256, exports each request once, and keeps every account within its hourly budget", async () => {
    const events = new QueueEvents("chaos", { connection: { url: redis.url } });
    let takenOver = 0;
    events.on("stalled", () => (takenOver += 1));
    await events.waitUntilReady();
    const workers = await Promise.all(Array.from({ length: WORKERS }, startWorker));
    const requests = Array.from({ length: EXPORTS }, (_, index) => {
      const day = new Date(Date.UTC(2026, 0, 1) + index * 86_400_000).toISOString().slice(0, 10);
      const account = accounts[index % ACCOUNTS]!.accountSid;
      return {
        flavor: "partner-v15" as const,
        account,
        export: { report: "mp_action_listing_fast", params: { START_DATE: day, END_DATE: day } },
        to: join(dir, `${account}-${day}.csv`),
      };
    });
    const ids = await Promise.all(requests.map(async (request) => (await queue.add(request)).id));
    for (const { report, account } of PERMANENT) {
      const added = await queue.add({
        flavor: "partner-v15",
        account,
        export: { report, params: { START_DATE: "2026-01-01", END_DATE: "2026-01-01" } },
        to: join(dir, "permanent", `${account}-${report}.csv`),
      });
      PERMANENT_IDS.add(added.id);
    }
    await completed(Math.floor(EXPORTS / 3));
    await kill(workers[0]!);
    workers[0] = await startWorker();
    await completed(Math.floor((2 * EXPORTS) / 3));
    await kill(workers[1]!);
    workers[1] = await startWorker();
    await completed(EXPORTS);

    // The permanent answers failed the pipelines in one attempt each, with that answer as the reason.
    const permanent = await Promise.all([...PERMANENT_IDS].map(async (id) => (await queue.queue.getJob(id))!));
    expect(permanent.map((pipeline) => [pipeline.finishedOn !== undefined, pipeline.attemptsMade])).toEqual(PERMANENT.map(() => [true, 1]));
    expect(permanent.map((pipeline) => pipeline.failedReason)).toEqual([expect.stringMatching(/HTTP 404/), expect.stringMatching(/HTTP 401/)]);
    const jobIds = new Set<string>();
    for (const [index, id] of ids.entries()) {
      const pipeline = (await queue.queue.getJob(id))!;
      expect(pipeline.returnvalue.path).toBe(requests[index]!.to);
      expect(sha256(requests[index]!.to)).toBe((await sandbox.control.result(pipeline.returnvalue.jobId)).sha256);
      jobIds.add(pipeline.returnvalue.jobId);
    }
    expect(jobIds.size).toBe(EXPORTS);
    expect(sandbox.control.jobs()).toHaveLength(EXPORTS);
    expect(readdirSync(dir).sort()).toEqual(requests.map((request) => request.to.slice(dir.length + 1)).sort());
    const usage = sandbox.control.usage();
    expect(new Set(usage.map((hour) => hour.accountSid))).toEqual(new Set(accounts.map((account) => account.accountSid)));
    for (const hour of usage) {
      expect(hour.refused, `${hour.accountSid} in the hour from ${hour.hour}`).toBe(0);
      expect(hour.requests).toBeLessThanOrEqual(DOCUMENTED_HOURLY_BUDGET);
    }
    const everything = (await dumpRedis(redis.client)).join("\n");
    for (const account of accounts) expect(everything).not.toContain(account.authToken);
    await events.close();
    const spent = usage.reduce((sum, hour) => sum + hour.requests, 0);
    console.log(
      `chaos: ${EXPORTS} pipelines, ${takenOver} steps of killed workers taken over, ${spent} API requests (${(spent / EXPORTS).toFixed(2)} per pipeline), 0 refused; ${PERMANENT.length} permanent failures, each in ${permanent.map((pipeline) => `${pipeline.finishedOn! - pipeline.timestamp} ms`).join(", ")}`,
    );
  });
});
