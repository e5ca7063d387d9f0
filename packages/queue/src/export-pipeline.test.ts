import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { existsSync } from "node:fs";
import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { DEFAULT_ACCOUNT, startSandbox, type Sandbox } from "@impactkit/sandbox";
import { InvalidArgumentError } from "@impactkit/jobs";
import { downloadTempPath } from "@impactkit/jobs/files";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccountBudget } from "./account-budget.js";
import { observerJobId } from "./account-observer.js";
import { completionEventHandler } from "./completion-event-handler.js";
import type { ExportRequest } from "./export-pipeline.js";
import { createExportQueue, type ExportQueue } from "./export-queue.js";
import { createExportWorker, type ExportWorker } from "./export-worker.js";
import { FLAVORS, poll, sandboxClients, settled as settledOn, type Flavor } from "./sandbox-clients.fixture.js";
import { dumpRedis, startRedis, type ThrowawayRedis } from "./testing.js";

let redis: ThrowawayRedis;
let sandbox: Sandbox;
let dir: string;
let queue: ExportQueue<Flavor>;
let worker: ExportWorker;

/** The workers' own configuration: tokens live here, in their processes, and nowhere in Redis. */
const TOKENS: Record<string, string> = { [DEFAULT_ACCOUNT.accountSid]: DEFAULT_ACCOUNT.authToken };
const clients = () => sandboxClients(() => sandbox, TOKENS);

beforeAll(async () => {
  redis = await startRedis();
  // The sandbox's clock moves only when a test says: how many checks a pipeline makes does not depend on the machine's speed.
  sandbox = await startSandbox({ clock: "manual", job: { queueMs: 1_000, runMs: 6_000, rows: 120 } });
  dir = mkdtempSync(join(tmpdir(), "impactkit-queue-"));
  queue = createExportQueue({ redisUrl: redis.url, flavors: FLAVORS });
  worker = createExportWorker({
    redisUrl: redis.url,
    clients: clients(),
    checkDelayMs: () => 20,
    jobs: { timing: sandbox.control.timers(), requestTimeoutMs: 10_000_000 },
  });
});
afterAll(async () => {
  await worker?.close();
  await queue?.close();
  await sandbox?.close();
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const REPORTS: Record<Flavor, ExportRequest<Flavor>["export"]> = {
  "partner-v15": { report: "mp_action_listing_fast", params: { START_DATE: "2026-11-01", END_DATE: "2026-11-01" } },
  "agency-v3": { report: "att_adv_performance_by_day_pm_only", params: { START_DATE: "2026-11-01", END_DATE: "2026-11-01" } },
  brand: { report: "4222", params: { StartDate: "2026-11-01T00:00:00Z" } },
};

/** Resolves once the pipeline is completed or failed, moving the sandbox's clock 10 s at a time meanwhile. */
const settled = (id: string, on: ExportQueue<Flavor> = queue) => settledOn(on, id, sandbox);

/** Resolves once the pipeline has checked its job `checks` times and sleeps in the delayed set (the sandbox's clock standing still). */
function sleeping(id: string, checks: number, on: ExportQueue<Flavor> = queue): Promise<true> {
  return poll(
    `pipeline ${id} to sleep after ${checks} checks`,
    async () => {
      const job = await on.queue.getJob(id);
      return job && job.data.checks >= checks && (await on.queue.getJobState(id)) === "delayed" ? true : undefined;
    },
    5,
  );
}

const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");

/** A worker in a process of its own (worker-process.fixture.mjs), ready; `kill()` SIGKILLs it and resolves once it is gone. */
async function workerProcess(args: { name: string; baseUrl: string; checkDelayMs: number; lockDurationMs?: number; token: string }) {
  const argv = [args.name, args.baseUrl, String(args.checkDelayMs), ...(args.lockDurationMs ? [String(args.lockDurationMs)] : [])];
  const child = spawn(process.execPath, [join(import.meta.dirname, "worker-process.fixture.mjs"), redis.url, ...argv], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, IMPACT_AUTH_TOKEN: args.token },
  });
  const exited = new Promise((resolve) => child.once("exit", (_, signal) => resolve(signal)));
  await createInterface({ input: child.stdout })[Symbol.asyncIterator]().next();
  return {
    async kill() {
      child.kill("SIGKILL");
      expect(await exited).toBe("SIGKILL");
    },
  };
}

/** A new account in the sandbox and the workers' configuration, whose budget no other test spent (on the manual clock the hour never renews). */
function freshAccount(accountSid: string) {
  const account = { accountSid, authToken: `${accountSid.toLowerCase()}-token` };
  sandbox.control.addAccount(account);
  TOKENS[accountSid] = account.authToken;
  return account;
}

/** The sandbox's API requests for `account`. */
const requestsOf = (account: string) =>
  sandbox.control.requests("api").filter((request) => request.path.includes(`/${account}/`) || request.path.endsWith(`/${account}`));

describe.each(FLAVORS)("%s pipeline on BullMQ and a real Redis", (flavor) => {
  it("exports, waits in the delayed set, and publishes the sandbox's result once", async () => {
    const to = join(dir, `${flavor}.csv`);
    const id = (await queue.add({ flavor, account: DEFAULT_ACCOUNT.accountSid, export: REPORTS[flavor], to })).id;
    await sleeping(id, 1);
    const outcome = await settled(id);
    expect(outcome.state, outcome.reason).toBe("completed");
    const truth = await sandbox.control.result(outcome.result.jobId);
    expect(outcome.result).toEqual({ jobId: outcome.data.jobId, path: to, bytes: truth.size });
    expect(sha256(readFileSync(to))).toBe(truth.sha256);
    expect(outcome.data.checks).toBeGreaterThan(0);
    expect(readdirSync(dir).filter((name) => name.startsWith(`${flavor}.csv`))).toEqual([`${flavor}.csv`]);
  });
});

describe("the queue", () => {
  it("queues the same request once, whatever its key order: one pipeline, one export", async () => {
    const to = join(dir, "twice.csv");
    const before = sandbox.control.jobs().length;
    const first = (
      await queue.add({
        flavor: "partner-v15",
        account: DEFAULT_ACCOUNT.accountSid,
        export: { report: "mp_action_listing_fast", params: { START_DATE: "2026-11-02", END_DATE: "2026-11-02" } },
        to,
      })
    ).id;
    const second = (
      await queue.add({
        to,
        export: { params: { END_DATE: "2026-11-02", START_DATE: "2026-11-02" }, report: "mp_action_listing_fast" },
        account: DEFAULT_ACCOUNT.accountSid,
        flavor: "partner-v15",
      })
    ).id;
    expect(second).toBe(first);
    expect((await settled(first)).state).toBe("completed");
    expect(sandbox.control.jobs().length - before).toBe(1);
  });

  it("keeps no credential in Redis: not the token, not the Basic header", async () => {
    const { accountSid, authToken } = DEFAULT_ACCOUNT;
    const basic = Buffer.from(`${accountSid}:${authToken}`).toString("base64");
    const everything = (await dumpRedis(redis.client)).join("\n");
    expect(everything).toContain(accountSid);
    expect(everything).not.toContain(authToken);
    expect(everything).not.toContain(basic);
  });

  it("refuses a request it cannot run before anything reaches Redis", async () => {
    // Pipelines' keys only: BullMQ's own (its checks, their expiries) come and go meanwhile.
    const pipelineKeys = async () => (await redis.client.keys("bull:*:export-*")).filter((key) => /^bull:[^:]+:export-[0-9a-f]+$/.test(key)).length;
    const keys = await pipelineKeys();
    await expect(
      queue.add({ flavor: "partner-v99" as Flavor, account: DEFAULT_ACCOUNT.accountSid, export: REPORTS["partner-v15"], to: join(dir, "x.csv") }),
    ).rejects.toThrow(/flavor "partner-v99" is not one of partner-v15, agency-v3, brand/);
    await expect(
      queue.add({ flavor: "partner-v99" as Flavor, account: DEFAULT_ACCOUNT.accountSid, export: REPORTS["partner-v15"], to: join(dir, "x.csv") }),
    ).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(queue.add({ flavor: "brand", account: "IR 1:2", export: REPORTS.brand, to: join(dir, "x.csv") })).rejects.toThrow(/Account SID/);
    expect(await pipelineKeys()).toBe(keys);
  });

  it("fails a pipeline whose impact.com job fails, without retrying it", async () => {
    sandbox.control.planNext({ outcome: "FAILED" });
    const id = (
      await queue.add({
        flavor: "partner-v15",
        account: DEFAULT_ACCOUNT.accountSid,
        export: { report: "mp_action_listing_fast", params: { START_DATE: "2026-11-03", END_DATE: "2026-11-03" } },
        to: join(dir, "failed.csv"),
      })
    ).id;
    const outcome = await settled(id);
    expect(outcome.state).toBe("failed");
    expect(outcome.reason).toMatch(/is FAILED/);
    expect(readdirSync(dir)).not.toContain("failed.csv");
  });
});

describe("a worker killed mid-wait", () => {
  it("loses nothing: another worker picks the pipeline up from Redis, with no second export", async () => {
    const name = "killed-mid-wait";
    const account = freshAccount("IRKILLED0001");
    const crashQueue = createExportQueue({ redisUrl: redis.url, flavors: FLAVORS, name });
    // Checks 2 s apart: the pipeline sleeps in the delayed set when the worker is killed, not in a step.
    const child = await workerProcess({ name, baseUrl: sandbox.url, checkDelayMs: 2_000, token: account.authToken });
    const before = sandbox.control.jobs().length;
    const to = join(dir, "survivor.csv");
    const id = (await crashQueue.add({ flavor: "partner-v15", account: account.accountSid, export: REPORTS["partner-v15"], to })).id;
    await sleeping(id, 2, crashQueue);
    await child.kill();
    const survivor = createExportWorker({
      redisUrl: redis.url,
      name,
      clients: clients(),
      checkDelayMs: () => 20,
      jobs: { timing: sandbox.control.timers(), requestTimeoutMs: 10_000_000 },
    });
    try {
      const outcome = await settled(id, crashQueue);
      expect(outcome.state, outcome.reason).toBe("completed");
      expect(sha256(readFileSync(to))).toBe((await sandbox.control.result(outcome.result.jobId)).sha256);
      expect(sandbox.control.jobs().length - before).toBe(1);
      expect((await dumpRedis(redis.client)).join("\n")).not.toContain(account.authToken);
    } finally {
      await survivor.close();
      await crashQueue.close();
    }
  });
});

describe("a Job Completion Event", () => {
  it("wakes the pipeline sleeping until its next check at once, once the secret is right", async () => {
    const name = "postbacks";
    const secret = "a-secret-of-the-event-url";
    const eventQueue = createExportQueue({ redisUrl: redis.url, flavors: FLAVORS, name });
    const sleeper = createExportWorker({
      redisUrl: redis.url,
      name,
      clients: clients(),
      checkDelayMs: () => 3_600_000,
      jobs: { timing: sandbox.control.timers(), requestTimeoutMs: 10_000_000 },
    });
    const server = createServer(completionEventHandler(eventQueue, { secret }));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/impact/job-completed`;
    try {
      const id = (
        await eventQueue.add({
          flavor: "partner-v15",
          account: DEFAULT_ACCOUNT.accountSid,
          export: { report: "mp_action_listing_fast", params: { START_DATE: "2026-11-05", END_DATE: "2026-11-05" } },
          to: join(dir, "woken.csv"),
        })
      ).id;
      await sleeping(id, 1, eventQueue);
      sandbox.control.advance(600_000);
      const { jobId } = (await eventQueue.queue.getJob(id))!.data;
      expect((await fetch(`${base}?secret=wrong&JobId=${jobId}`)).status).toBe(401);
      expect((await fetch(`${base}?secret=${secret}&JobId=00000000-0000-4000-8000-000000000000`)).status).toBe(404);
      expect((await fetch(`${base}?secret=${secret}`)).status).toBe(400);
      const form = new URLSearchParams({ JobId: "00000000-0000-4000-8000-000000000000" });
      expect((await fetch(`${base}?secret=${secret}`, { method: "POST", body: form })).status).toBe(404);
      expect(await eventQueue.queue.getJobState(id)).toBe("delayed");
      expect(
        (await fetch(`${base}?secret=${secret}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ JobId: jobId }) }))
          .status,
      ).toBe(204);
      expect(
        await poll("the woken pipeline to finish", async () => {
          const state = await eventQueue.queue.getJobState(id);
          return state === "completed" || state === "failed" ? state : undefined;
        }),
      ).toBe("completed");
      expect((await eventQueue.queue.getJob(id))!.data.checks).toBe(1);
    } finally {
      server.close();
      await sleeper.close();
      await eventQueue.close();
    }
  });
});

describe("a worker killed mid-step", () => {
  it("while the export's answer is on its way: the next worker's identical request gets the same job, not a second one", async () => {
    const name = "killed-mid-export";
    const account = freshAccount("IRMIDEXPORT1");
    // A proxy that lets the export reach the sandbox and keeps its answer: the worker is killed not knowing the job id.
    let held = false;
    const proxy = createServer((request, response) => {
      const upstream = httpRequest(
        new URL(request.url!, sandbox.url),
        { method: request.method, headers: { ...request.headers, host: new URL(sandbox.url).host } },
        (answer) => {
          if (request.url!.includes("/ReportExport/") && !held) {
            held = true;
            answer.resume();
            return;
          }
          response.writeHead(answer.statusCode!, answer.headers);
          answer.pipe(response);
        },
      );
      request.pipe(upstream);
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    const crashQueue = createExportQueue({ redisUrl: redis.url, flavors: FLAVORS, name });
    const child = await workerProcess({
      name,
      baseUrl: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
      checkDelayMs: 20,
      lockDurationMs: 1_500,
      token: account.authToken,
    });
    const before = sandbox.control.jobs().length;
    const id = (
      await crashQueue.add({ flavor: "partner-v15", account: account.accountSid, export: REPORTS["partner-v15"], to: join(dir, "exported-once.csv") })
    ).id;
    await poll("the export to reach the sandbox", async () => (held && sandbox.control.jobs().length > before ? true : undefined));
    await child.kill();
    const [scheduled] = sandbox.control.jobs().slice(before);
    const survivor = createExportWorker({
      redisUrl: redis.url,
      name,
      clients: clients(),
      checkDelayMs: () => 20,
      lockDurationMs: 1_500,
      jobs: { timing: sandbox.control.timers(), requestTimeoutMs: 10_000_000 },
    });
    try {
      const outcome = await settled(id, crashQueue);
      expect(outcome.state, outcome.reason).toBe("completed");
      expect(outcome.result.jobId).toBe(scheduled!.job.id);
      expect(sandbox.control.jobs().length - before).toBe(1);
      expect(requestsOf(account.accountSid).filter((request) => request.path.includes("/ReportExport/"))).toHaveLength(2);
    } finally {
      proxy.close();
      await survivor.close();
      await crashQueue.close();
    }
  });

  it("mid-download: another worker resumes the temporary file with Range and If-Range, and publishes it once", async () => {
    const name = "killed-mid-download";
    const account = freshAccount("IRMIDDOWNLD1");
    const crashQueue = createExportQueue({ redisUrl: redis.url, flavors: FLAVORS, name });
    const child = await workerProcess({ name, baseUrl: sandbox.url, checkDelayMs: 20, lockDurationMs: 1_500, token: account.authToken });
    sandbox.control.planNext({ rows: 40_000 });
    const to = join(dir, "resumed.csv");
    const id = (
      await crashQueue.add({
        flavor: "partner-v15",
        account: account.accountSid,
        export: { report: "mp_action_listing_fast", params: { START_DATE: "2026-10-01", END_DATE: "2026-10-31" } },
        to,
      })
    ).id;
    await sleeping(id, 1, crashQueue);
    const { jobId } = (await crashQueue.queue.getJob(id))!.data;
    // The storage origin sends 1.5 MB of the result, then nothing: the worker is killed with a checkpoint (every MiB) on disk.
    sandbox.control.inject({ route: "storage", jobId, fault: { kind: "body-stall", afterBytes: 1_500_000 } });
    sandbox.control.advance(60_000);
    const checkpoint = `${downloadTempPath(to, jobId!)}.json`;
    await poll("the download's first checkpoint", async () => (existsSync(checkpoint) ? true : undefined));
    await child.kill();
    const { bytes, validator } = JSON.parse(readFileSync(checkpoint, "utf8")) as { bytes: number; validator: string };
    expect(bytes).toBeGreaterThanOrEqual(1 << 20);
    expect(bytes).toBeLessThanOrEqual(1_500_000);
    const survivor = createExportWorker({
      redisUrl: redis.url,
      name,
      clients: clients(),
      checkDelayMs: () => 20,
      lockDurationMs: 1_500,
      jobs: { timing: sandbox.control.timers(), requestTimeoutMs: 10_000_000 },
    });
    try {
      const outcome = await settled(id, crashQueue);
      expect(outcome.state, outcome.reason).toBe("completed");
      const truth = await sandbox.control.result(jobId!);
      expect(truth.size).toBeGreaterThan(1_500_000);
      expect(sha256(readFileSync(to))).toBe(truth.sha256);
      const resumed = sandbox.control.requests("storage").filter((request) => request.headers["range"] !== undefined);
      expect(resumed.map((request) => [request.headers["range"], request.headers["if-range"], request.status])).toEqual([[`bytes=${bytes}-`, validator, 206]]);
      expect(readdirSync(dir).filter((file) => file.startsWith(".impactkit-"))).toEqual([]);
    } finally {
      await survivor.close();
      await crashQueue.close();
    }
  });
});

describe("the fleet's observer of an account", () => {
  it("watches all of the account's running jobs with one Jobs list per tick and wakes each pipeline when its job finished", async () => {
    const name = "observed";
    const account = freshAccount("IROBSERVED01");
    const observedQueue = createExportQueue({ redisUrl: redis.url, flavors: FLAVORS, name });
    const observers = new Queue(`${name}-observers`, { connection: { url: redis.url } });
    // Pipelines check their jobs themselves only after an hour: whatever finishes sooner, the observer found.
    const observing = createExportWorker({
      redisUrl: redis.url,
      name,
      clients: clients(),
      listTickMs: 30,
      checkDelayMs: () => 3_600_000,
      jobs: { timing: sandbox.control.timers(), requestTimeoutMs: 10_000_000 },
    });
    try {
      const added = await Promise.all(
        Array.from({ length: 12 }, (_, day) =>
          observedQueue.add({
            flavor: "partner-v15",
            account: account.accountSid,
            export: { report: "mp_action_listing_fast", params: { START_DATE: `2026-09-${10 + day}`, END_DATE: `2026-09-${10 + day}` } },
            to: join(dir, `observed-${day}.csv`),
          }),
        ),
      );
      const ids = added.map((pipeline) => pipeline.id);
      for (const id of ids) await sleeping(id, 1, observedQueue);
      // The observer lives in its own queue: the pipelines' counts (and bull-board) show the 12 pipelines only.
      const observer = observerJobId({ flavor: "partner-v15", account: account.accountSid });
      expect(await observers.getJob(observer)).toBeDefined();
      expect(await observedQueue.queue.getJob(observer)).toBeUndefined();
      expect(Object.values(await observedQueue.queue.getJobCounts()).reduce((sum, count) => sum + count, 0)).toBe(12);
      const outcomes = await Promise.all(ids.map((id) => settled(id, observedQueue)));
      for (const outcome of outcomes) {
        expect(outcome.state, outcome.reason).toBe("completed");
        expect(outcome.data.checks).toBe(1);
        expect(sha256(readFileSync(outcome.result.path))).toBe((await sandbox.control.result(outcome.result.jobId)).sha256);
      }
      const api = requestsOf(account.accountSid);
      // Each pipeline looked at its job once after the export and once when woken; the rest was the account's list.
      expect(api.filter((request) => /\/Jobs\/[^/]+$/.test(request.path))).toHaveLength(24);
      expect(api.filter((request) => request.path.endsWith("/Jobs")).length).toBeGreaterThan(0);
      expect(await poll("the observer to end with nothing left to watch", async () => ((await observers.getJob(observer)) ? undefined : true))).toBe(true);
    } finally {
      await observing.close();
      await observedQueue.close();
      await observers.close();
    }
  });
});

describe("a worker with observe: false", () => {
  it("leaves each pipeline to check its own job: no observer, no watch list", async () => {
    const name = "unobserved";
    const account = freshAccount("IRUNOBSERVE1");
    const unobservedQueue = createExportQueue({ redisUrl: redis.url, flavors: FLAVORS, name });
    const alone = createExportWorker({
      redisUrl: redis.url,
      name,
      observe: false,
      clients: clients(),
      checkDelayMs: () => 20,
      jobs: { timing: sandbox.control.timers(), requestTimeoutMs: 10_000_000 },
    });
    try {
      const id = (
        await unobservedQueue.add({
          flavor: "partner-v15",
          account: account.accountSid,
          export: { report: "mp_action_listing_fast", params: { START_DATE: "2026-06-01", END_DATE: "2026-06-01" } },
          to: join(dir, "unobserved.csv"),
        })
      ).id;
      await sleeping(id, 1, unobservedQueue);
      const observers = new Queue(`${name}-observers`, { connection: { url: redis.url } });
      expect(await observers.getJob(observerJobId({ flavor: "partner-v15", account: account.accountSid }))).toBeUndefined();
      expect(await observers.count()).toBe(0);
      await observers.close();
      expect(await redis.client.keys(`impactkit:${name}:waiting:*`)).toEqual([]);
      expect((await settled(id, unobservedQueue)).state).toBe("completed");
      expect(requestsOf(account.accountSid).filter((request) => request.path.endsWith("/Jobs"))).toEqual([]);
    } finally {
      await alone.close();
      await unobservedQueue.close();
    }
  });
});

describe("an observer whose list fails", () => {
  it("says so in the log and lists again at its next tick: the pipelines still finish", async () => {
    const name = "observer-errors";
    const account = freshAccount("IRLISTFAIL01");
    const warnings: string[] = [];
    const observedQueue = createExportQueue({ redisUrl: redis.url, flavors: FLAVORS, name });
    const observing = createExportWorker({
      redisUrl: redis.url,
      name,
      clients: clients(),
      listTickMs: 30,
      checkDelayMs: () => 3_600_000,
      jobs: { timing: sandbox.control.timers(), requestTimeoutMs: 10_000_000, retries: 0, logger: { warn: (message) => void warnings.push(message) } },
    });
    try {
      sandbox.control.inject({ route: "listJobs", fault: { kind: "status", status: 500 }, times: 3 });
      const id = (
        await observedQueue.add({
          flavor: "partner-v15",
          account: account.accountSid,
          export: { report: "mp_action_listing_fast", params: { START_DATE: "2026-07-01", END_DATE: "2026-07-01" } },
          to: join(dir, "listed-later.csv"),
        })
      ).id;
      await sleeping(id, 1, observedQueue);
      const outcome = await settled(id, observedQueue);
      expect(outcome.state, outcome.reason).toBe("completed");
      expect(warnings.filter((warning) => warning.startsWith(`the observer of account ${account.accountSid} could not list its jobs`))).toHaveLength(3);
      expect(
        requestsOf(account.accountSid)
          .filter((request) => request.path.endsWith("/Jobs"))
          .map((request) => request.status)
          .slice(0, 4),
      ).toEqual([500, 500, 500, 200]);
    } finally {
      await observing.close();
      await observedQueue.close();
    }
  });
});

describe("an account out of budget", () => {
  const spentQueue = () => createExportQueue({ redisUrl: redis.url, flavors: FLAVORS, name: "budgets" });
  const oneSlot = () =>
    createExportWorker({
      redisUrl: redis.url,
      name: "budgets",
      concurrency: 1,
      clients: clients(),
      budget: { keyPrefix: "budgets" },
      checkDelayMs: () => 20,
      jobs: { timing: sandbox.control.timers(), requestTimeoutMs: 10_000_000 },
    });
  /** Resolves once the pipeline sleeps for its account's budget, with how long it sleeps. */
  const heldBack = (on: ExportQueue<Flavor>, id: string) =>
    poll(`pipeline ${id} to wait for its budget`, async () => {
      const job = await on.queue.getJob(id);
      const progress = job?.progress as { status?: string; retryInMs?: number } | undefined;
      return progress?.status === "BUDGET" && (await on.queue.getJobState(id)) === "delayed" ? progress.retryInMs : undefined;
    });
  const exportOf = (account: string, day: number, file: string): ExportRequest<Flavor> => ({
    flavor: "partner-v15",
    account,
    export: { report: "mp_action_listing_fast", params: { START_DATE: `2026-08-${day}`, END_DATE: `2026-08-${day}` } },
    to: join(dir, file),
  });

  it("sleeps until the hour renews it, holding no worker slot: other accounts' pipelines go on", async () => {
    const spent = freshAccount("IRSPENT00001");
    const fresh = freshAccount("IRFRESH00001");
    await createAccountBudget(redis.client, { keyPrefix: "budgets" }).reconcile(spent.accountSid, { remaining: 0, resetAt: Date.now() + 3_600_000 });
    const producer = spentQueue();
    const worker = oneSlot();
    try {
      const waiting = (await producer.add(exportOf(spent.accountSid, 10, "spent.csv"))).id;
      expect(await heldBack(producer, waiting)).toBeGreaterThan(3_500_000);
      const going = (await producer.add(exportOf(fresh.accountSid, 11, "fresh.csv"))).id;
      expect((await settled(going, producer)).state).toBe("completed");
      expect(await producer.queue.getJobState(waiting)).toBe("delayed");
      expect(requestsOf(spent.accountSid)).toEqual([]);
    } finally {
      await worker.close();
      await producer.close();
    }
  });

  it("a 429 holds that account's pipelines across the fleet until its Retry-After, with no retry in between", async () => {
    const limited = freshAccount("IRLIMITED001");
    const fresh = freshAccount("IRFRESH00002");
    const producer = spentQueue();
    const worker = oneSlot();
    try {
      sandbox.control.inject({ route: "exportReport", fault: { kind: "rate-limit", retryAfterSeconds: 300 } });
      const waiting = (await producer.add(exportOf(limited.accountSid, 12, "limited.csv"))).id;
      const retryInMs = await heldBack(producer, waiting);
      expect(retryInMs).toBeGreaterThan(290_000);
      expect(retryInMs).toBeLessThanOrEqual(300_000);
      expect(await createAccountBudget(redis.client, { keyPrefix: "budgets" }).remaining(limited.accountSid)).toBe(0);
      const going = (await producer.add(exportOf(fresh.accountSid, 13, "fresh-2.csv"))).id;
      expect((await settled(going, producer)).state).toBe("completed");
      expect(requestsOf(limited.accountSid).map((request) => request.status)).toEqual([429]);
    } finally {
      await worker.close();
      await producer.close();
    }
  });
});
