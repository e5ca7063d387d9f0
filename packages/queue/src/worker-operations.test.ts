import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { DEFAULT_ACCOUNT, startSandbox, type Sandbox } from "@impactkit/sandbox";
import { rawServer } from "@impactkit/testing";
import { createClient as agencyClient } from "@impactkit/agency-v3";
import { checkExport } from "./export-queue.js";
import { createJobs, InvalidArgumentError } from "@impactkit/jobs";
import { rejection } from "@impactkit/jobs/testing";
import { createClient as partnerClient } from "@impactkit/partner-v15";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { jobIndexKey, type ExportRequest } from "./export-pipeline.js";
import { createExportQueue } from "./export-queue.js";
import { createExportWorker } from "./export-worker.js";
import { FLAVORS, poll, recordingLogger, sandboxClients, settled, type Flavor } from "./sandbox-clients.fixture.js";
import { startRedis, type ThrowawayRedis } from "./testing.js";

let redis: ThrowawayRedis;
let sandbox: Sandbox;
let dir: string;
const TOKENS: Record<string, string> = { [DEFAULT_ACCOUNT.accountSid]: DEFAULT_ACCOUNT.authToken };
/** Sandboxes of their own for some accounts (a test's own limits); the others use the shared one. */
const sandboxes = new Map<string, Sandbox>();
const clients = () => sandboxClients((account) => sandboxes.get(account) ?? sandbox, TOKENS);
/** What a test starts, closed after it. */
const open: { close(): Promise<void> }[] = [];
const kept = <T extends { close(): Promise<void> }>(thing: T): T => {
  open.push(thing);
  return thing;
};

beforeAll(async () => {
  redis = await startRedis();
  sandbox = await startSandbox({ clock: "manual", job: { queueMs: 1_000, runMs: 6_000, rows: 50 } });
  dir = mkdtempSync(join(tmpdir(), "impactkit-queue-ops-"));
});
afterEach(async () => {
  for (const thing of open.splice(0).reverse()) await thing.close();
});
afterAll(async () => {
  await sandbox?.close();
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A producer and a worker on queue `name`, with a recording logger and a short backoff; the sandbox's clock is the instances'. */
function fleet(name: string, worker: { concurrency?: number; retries?: number } = {}) {
  const logger = recordingLogger();
  const queue = kept(createExportQueue({ redisUrl: redis.url, flavors: FLAVORS, name, backoffMs: 10 }));
  const running = kept(
    createExportWorker({
      redisUrl: redis.url,
      name,
      clients: clients(),
      logger,
      concurrency: worker.concurrency ?? 2,
      budget: { keyPrefix: `${name}-budget` },
      checkDelayMs: () => 20,
      jobs: { timing: sandbox.control.timers(), requestTimeoutMs: 10_000_000, retries: worker.retries ?? 0 },
    }),
  );
  return { queue, worker: running, logger };
}

const report = (account: string, reportId: string, day: number, flavor: Flavor = "partner-v15"): ExportRequest<Flavor> => ({
  flavor,
  account,
  export: { report: reportId, params: { START_DATE: `2026-06-${10 + day}`, END_DATE: `2026-06-${10 + day}` } },
  to: join(dir, `${flavor}-${account}-${reportId}-${day}.csv`),
});

describe("a permanent answer", () => {
  it("fails the pipeline in one attempt with that answer as its reason, logged once; a transient one is retried with backoff and said so", async () => {
    const { queue, logger } = fleet("permanent");
    const unknown = (await queue.add(report("IRUNKNOWN001", "mp_action_listing_fast", 1))).id;
    const missing = (await queue.add(report(DEFAULT_ACCOUNT.accountSid, "no_such_report", 2))).id;
    const refused = (
      await queue.add({ ...report(DEFAULT_ACCOUNT.accountSid, "no_such_report", 3, "agency-v3"), export: { report: "no_such_report", params: {} } })
    ).id;
    const outcomes = await Promise.all([unknown, missing, refused].map((id) => settled(queue, id, sandbox)));
    expect(outcomes.map((outcome) => [outcome.state, outcome.attemptsMade])).toEqual([
      ["failed", 1],
      ["failed", 1],
      ["failed", 1],
    ]);
    expect(outcomes[0]!.reason).toMatch(/HTTP 401/);
    expect(outcomes[1]!.reason).toMatch(/HTTP 404.*No report exists with the Id no_such_report/);
    expect(outcomes[2]!.reason).toMatch(/ReportExport no_such_report was refused/);
    for (const id of [unknown, missing, refused]) {
      expect(logger.lines.filter((line) => line.message.includes(id)).map((line) => line.level)).toEqual(["error"]);
    }

    sandbox.control.inject({ route: "exportReport", fault: { kind: "status", status: 503 } });
    const transient = (await queue.add(report(DEFAULT_ACCOUNT.accountSid, "mp_action_listing_fast", 4))).id;
    const outcome = await settled(queue, transient, sandbox);
    expect(outcome.state, outcome.reason).toBe("completed");
    expect(outcome.attemptsMade).toBe(2);
    const said = logger.lines.filter((line) => line.message.includes(transient));
    expect(said).toEqual([{ level: "warn", message: expect.stringMatching(/attempt 1 of 5 failed: .*HTTP 503.*; it is retried with backoff$/) }]);
  });
});

describe("queue add", () => {
  it("checks an export against its flavor (the spec, the report's filters) before anything reaches Redis", async () => {
    const jobs = createJobs(partnerClient({ ...DEFAULT_ACCOUNT, baseUrl: sandbox.url }), { timing: sandbox.control.timers() });
    const queue = kept(createExportQueue({ redisUrl: redis.url, flavors: FLAVORS, name: "checked", check: (request) => checkExport(jobs, request.export) }));
    const undated = await rejection(
      queue.add({
        ...report(DEFAULT_ACCOUNT.accountSid, "mp_action_listing_fast", 1),
        export: { report: "mp_action_listing_fast", params: { START_DATE: "2026-06-01" } },
      }),
    );
    expect(undated).toBeInstanceOf(InvalidArgumentError);
    expect(undated).toMatchObject({ option: "END_DATE", message: "ReportExport mp_action_listing_fast needs END_DATE" });
    const typo = await rejection(
      queue.add({
        ...report(DEFAULT_ACCOUNT.accountSid, "mp_action_listing_fast", 1),
        export: { report: "mp_action_listing_fast", params: { START_DATE: "2026-06-01", END_DATE: "2026-06-01", SUBAIDD: "7" } },
      }),
    );
    expect(typo).toMatchObject({
      option: "SUBAIDD",
      message: expect.stringMatching(/^SUBAIDD is not a filter of report mp_action_listing_fast; its filters are /),
    });
    const agencyJobs = createJobs(agencyClient({ ...DEFAULT_ACCOUNT, baseUrl: sandbox.url }), { timing: sandbox.control.timers() });
    await expect(checkExport(agencyJobs, { clicks: { Date: "2026-06-01" } })).rejects.toThrow("the impact.com Agency API v3 has no ClickExport");
    // Nothing of them reached Redis (other keys come and go meanwhile: BullMQ's own checks, expiries).
    expect(await redis.client.keys("bull:checked:export-*")).toEqual([]);
    expect(await queue.queue.count()).toBe(0);
  });

  it("says what a finished request gave, runs it again when asked, and keeps finished pipelines a day, failed ones a week", async () => {
    const { queue } = fleet("rerun");
    const request = report(DEFAULT_ACCOUNT.accountSid, "mp_action_listing_fast", 5);
    const first = await queue.add(request);
    expect(first.status).toBe("queued");
    expect(await queue.add(request)).toEqual({ id: first.id, status: expect.stringMatching(/^(waiting|active|delayed)$/) });
    const done = await settled(queue, first.id, sandbox);
    expect(done.state, done.reason).toBe("completed");
    expect(await redis.client.exists(jobIndexKey("rerun", done.result.jobId))).toBe(0);
    const again = await queue.add(request);
    expect(again).toEqual({ id: first.id, status: "completed", result: done.result, finishedOn: expect.any(Number) });
    const job = await queue.queue.getJob(first.id);
    expect(job?.opts).toMatchObject({ attempts: 5, removeOnComplete: { age: 86_400 }, removeOnFail: { age: 604_800 } });
    expect(await queue.add(request, { rerun: true })).toEqual({ id: first.id, status: "rerun" });
    expect((await settled(queue, first.id, sandbox)).state).toBe("completed");
    const metrics = await queue.queue.getMetrics("completed");
    expect(metrics.meta.count).toBeGreaterThanOrEqual(2);
  });

  it("takes attempts, backoff and retention, and refuses values that cannot work, naming the option", () => {
    expect(() => createExportQueue({ redisUrl: redis.url, flavors: FLAVORS, attempts: 0 })).toThrow(/^attempts takes a whole number ≥ 1, got 0$/);
    expect(() => createExportQueue({ redisUrl: redis.url, flavors: FLAVORS, backoffMs: -1 })).toThrow(/^backoffMs takes a whole number ≥ 0/);
    expect(() => createExportWorker({ redisUrl: redis.url, clients: clients(), concurrency: 1.5 })).toThrow(/^concurrency takes a whole number ≥ 1/);
  });
});

describe("a step that would wait for the account's budget", () => {
  it("moves its pipeline to the delayed set until the budget renews, saying why, and holds no slot: other accounts go on", async () => {
    const { queue } = fleet("budget-waits", { concurrency: 1 });
    // An account whose API allows it 2 requests an hour: after the export and one look, the next call would wait for the reset.
    const spent = "IRSPENTHOUR1";
    const strict = kept(await startSandbox({ clock: "manual", accounts: [{ accountSid: spent, authToken: "spent-hour-token" }], rateLimit: { perHour: 2 } }));
    sandboxes.set(spent, strict);
    TOKENS[spent] = "spent-hour-token";
    const waiting = (await queue.add(report(spent, "mp_action_listing_fast", 6))).id;
    const progress = await poll("the pipeline to wait for the budget", async () => {
      const job = await queue.queue.getJob(waiting);
      const said = job?.progress as { status?: string; until?: number } | undefined;
      return said?.status === "BUDGET" && (await job!.getState()) === "delayed" ? said : undefined;
    });
    expect(progress.until).toBeGreaterThan(Date.now());
    const going = (await queue.add(report(DEFAULT_ACCOUNT.accountSid, "mp_action_listing_fast", 7))).id;
    expect((await settled(queue, going, sandbox)).state).toBe("completed");
    expect(await queue.queue.getJobState(waiting)).toBe("delayed");
    expect(strict.control.requests("api").map((request) => request.status)).toEqual([200, 200]);
  });
});

describe("Redis going away", () => {
  it("is said once when it goes and once when it is back, through the logger only: nothing reaches the console", async () => {
    const own = await startRedis();
    const port = Number(new URL(own.url).port);
    const console = [vi.spyOn(globalThis.console, "error"), vi.spyOn(globalThis.console, "warn"), vi.spyOn(globalThis.console, "log")];
    const logger = recordingLogger();
    const queue = kept(createExportQueue({ redisUrl: own.url, flavors: FLAVORS, name: "outage", logger }));
    // BullMQ's close after a Redis restart may hang (https://github.com/taskforcesh/bullmq/issues/4656): closeTimeoutMs bounds it.
    const worker = kept(createExportWorker({ redisUrl: own.url, name: "outage", clients: clients(), logger, closeTimeoutMs: 500 }));
    let back: ThrowawayRedis | undefined;
    try {
      await worker.worker.waitUntilReady();
      await own.stop();
      const redisLines = () => logger.lines.filter((line) => line.message.startsWith(`Redis at 127.0.0.1:${port}`));
      await poll("the outage to be said", async () => (redisLines().length > 0 ? true : undefined));
      // Reconnections go on meanwhile; none says anything more.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      back = await startRedis({ port });
      await poll("Redis to be said back", async () => (redisLines().some((line) => line.message.includes("is back")) ? true : undefined));
      expect((await queue.add(report(DEFAULT_ACCOUNT.accountSid, "mp_action_listing_fast", 8))).status).toBe("queued");
      const said = redisLines();
      expect(said.filter((line) => line.level === "error")).toHaveLength(1);
      expect(said[0]!.message).toMatch(/^Redis at 127\.0\.0\.1:\d+ cannot be reached \(.*ECONNREFUSED.*\); pipelines wait in Redis and go on when it is back$/);
      expect(said.filter((line) => line.level === "info").map((line) => line.message)).toEqual([expect.stringMatching(/is back after \d+ s$/)]);
      for (const spy of console) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of console) spy.mockRestore();
      for (const thing of open.splice(0).reverse()) await thing.close();
      await back?.stop();
    }
  });
});

describe("closing", () => {
  it("lets the steps in progress finish for closeTimeoutMs, then ends them and says so", async () => {
    const silent = await rawServer(() => undefined);
    const logger = recordingLogger();
    const queue = kept(createExportQueue({ redisUrl: redis.url, flavors: FLAVORS, name: "closing" }));
    const worker = createExportWorker({
      redisUrl: redis.url,
      name: "closing",
      clients: sandboxClients(() => ({ url: silent.url }) as Sandbox, TOKENS),
      logger,
      closeTimeoutMs: 100,
      jobs: { requestTimeoutMs: 10_000_000, callTimeoutMs: 10_000_000 },
    });
    try {
      const id = (await queue.add(report(DEFAULT_ACCOUNT.accountSid, "mp_action_listing_fast", 9))).id;
      await poll("the step to start", async () => (silent.requests.length > 0 ? true : undefined));
      await worker.close();
      await worker.closed;
      expect(logger.lines.map((line) => line.message)).toContain("steps still running 100 ms after close(): ending them; another worker resumes them");
      expect(["active", "waiting", "delayed"]).toContain(await queue.queue.getJobState(id));
    } finally {
      await silent.close();
    }
  });

  it("closes on SIGTERM with handleSignals: the process ends by itself", async () => {
    const child = spawn(process.execPath, [join(import.meta.dirname, "worker-process.fixture.mjs"), redis.url, "signals", sandbox.url, "20"], {
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, IMPACTKIT_HANDLE_SIGNALS: "1" },
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    expect((await lines.next()).value).toBe("ready");
    child.kill("SIGTERM");
    expect((await lines.next()).value).toBe("closed");
    expect(await exited).toBe(0);
  });
});

describe("a spent daily export quota", () => {
  it("defers the account's pipelines to the next window, fleet-wide and before any request, and they complete after it", async () => {
    const account = "IRQUOTA00001";
    const limited = kept(
      await startSandbox({
        clock: "manual",
        accounts: [{ accountSid: account, authToken: "quota-token" }],
        dailyExportLimits: { ReportExport: 2, ClickExport: 1 },
        job: { queueMs: 1_000, runMs: 6_000, rows: 20 },
      }),
    );
    sandboxes.set(account, limited);
    TOKENS[account] = "quota-token";
    const logger = recordingLogger();
    const queue = kept(createExportQueue({ redisUrl: redis.url, flavors: FLAVORS, name: "quota" }));
    kept(
      createExportWorker({
        redisUrl: redis.url,
        name: "quota",
        clients: clients(),
        logger,
        checkDelayMs: () => 20,
        jobs: { timing: limited.control.timers(), requestTimeoutMs: 10_000_000 },
      }),
    );
    const reportExports = () => limited.control.requests("api").filter((request) => request.path.includes("/ReportExport/"));
    /** Resolves with the pipeline's progress once it waits for the quota in the delayed set. */
    const waitsForQuota = (id: string) =>
      poll(`pipeline ${id} to wait for the quota`, async () => {
        const job = await queue.queue.getJob(id);
        const said = job?.progress as { status?: string; kind?: string; until?: number } | undefined;
        return said?.status === "QUOTA" && (await job!.getState()) === "delayed" ? said : undefined;
      });
    // The API allows this account 2 ReportExports a day (fewer than its flavor documents): the third meets its 429.
    const ids: string[] = [];
    for (const day of [1, 2]) ids.push((await queue.add(report(account, "mp_action_listing_fast", day))).id);
    for (const id of ids) expect((await settled(queue, id, limited)).state).toBe("completed");
    const third = (await queue.add(report(account, "mp_action_listing_fast", 3))).id;
    const said = await waitsForQuota(third);
    expect(said).toMatchObject({ status: "QUOTA", kind: "ReportExport" });
    expect(said.until).toBeGreaterThan(Date.now() + 23 * 3_600_000);
    expect(reportExports().map((request) => request.status)).toEqual([200, 200, 429]);
    // The fleet knows now: the next export of the account waits without a request.
    const fourth = (await queue.add(report(account, "mp_action_listing_fast", 4))).id;
    expect(await waitsForQuota(fourth)).toMatchObject({ status: "QUOTA", kind: "ReportExport" });
    expect(reportExports()).toHaveLength(3);
    expect(await queue.usage(account, { ReportExport: 100, ClickExport: 10 })).toMatchObject({
      exportsLeft: { ReportExport: { left: 0, limit: 100, renewsAt: expect.any(Number) }, ClickExport: { left: 10, limit: 10 } },
    });
    expect(logger.lines.filter((line) => line.level === "error")).toEqual([]);
    // The day passes: on the API's clock, and in Redis (the quota's keys expire), then the pipelines' delays end.
    limited.control.advance(86_400_000);
    for (const key of await redis.client.keys(`impactkit:quota:*${account}`)) await redis.client.del(key);
    for (const id of [third, fourth]) {
      await (await queue.queue.getJob(id))!.promote();
      const outcome = await settled(queue, id, limited);
      expect(outcome.state, outcome.reason).toBe("completed");
    }
    expect(reportExports().map((request) => request.status)).toEqual([200, 200, 429, 200, 200]);
  });
});
