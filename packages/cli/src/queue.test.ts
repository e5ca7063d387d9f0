import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSandbox, type Sandbox } from "@impactkit/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRedis, type ThrowawayRedis } from "@impactkit/queue/testing";
import { impactkit, start, until } from "./testing/support.js";

const SID = "IRQUEUECLI01";
const TOKEN = "queue-cli-token-never-shown";
let redis: ThrowawayRedis;
let sandbox: Sandbox;
let dir: string;

beforeAll(async () => {
  redis = await startRedis();
  sandbox = await startSandbox({
    accounts: [{ accountSid: SID, authToken: TOKEN }],
    clock: { timeScale: 1_000 },
    job: { queueMs: 0, runMs: 1_000, rows: 200 },
  });
  dir = mkdtempSync(join(tmpdir(), "impactkit-cli-queue-"));
});
afterAll(async () => {
  await sandbox?.close();
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("impactkit queue", () => {
  it("needs IMPACT_REDIS_URL, and says so without sending anything", async () => {
    const run = await impactkit(["queue", "status"], {});
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/IMPACT_REDIS_URL is required/);
  });

  it("runs a worker, queues an export for an account, counts it, and the worker publishes the file — no token printed", async () => {
    const env = { IMPACT_REDIS_URL: redis.url, IMPACT_BASE_URL: sandbox.url };
    const worker = start(["queue", "worker", "--concurrency", "2"], { ...env, [`IMPACT_AUTH_TOKEN_${SID}`]: TOKEN });
    await until(() => worker.output().includes("worker running"), "the worker to start");
    const to = join(dir, "actions.csv");
    const reportArgs = ["queue", "add", "export", "report", "mp_action_listing_fast", "--api", "partner-v15", "--account-sid", SID];
    reportArgs.push("-p", "START_DATE=2026-11-01", "-p", "END_DATE=2026-11-01", "-o", to);
    const added = await impactkit([...reportArgs, "--json"], env);
    expect(added.code, added.stderr).toBe(0);
    const { pipeline } = JSON.parse(added.stdout) as { pipeline: string };
    expect(pipeline).toMatch(/^export-[0-9a-f]{32}$/);
    const clicksTo = join(dir, "clicks.csv");
    const clicks = await impactkit(
      ["queue", "add", "export", "clicks", "--api", "partner-v15", "--account-sid", SID, "--date", "2026-11-02", "-o", clicksTo, "--json"],
      env,
    );
    expect(clicks.code, clicks.stderr).toBe(0);
    expect((JSON.parse(clicks.stdout) as { pipeline: string }).pipeline).not.toBe(pipeline);
    let status: { states: Record<string, number>; accounts: Record<string, Record<string, number>> } | undefined;
    for (let attempt = 0; status?.states["completed"] !== 2; attempt += 1) {
      if (attempt > 200) throw new Error(`gave up waiting for the pipelines: ${JSON.stringify(status)}`);
      const run = await impactkit(["queue", "status", "--json"], env);
      expect(run.code, run.stderr).toBe(0);
      status = JSON.parse(run.stdout) as typeof status;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    // Pipelines only: the account's observer, which may still sleep in the delayed set, is not one.
    expect(status.states).toEqual({ waiting: 0, delayed: 0, active: 0, completed: 2, failed: 0 });
    expect(status.accounts[SID]).toMatchObject({
      completed: 2,
      failed: 0,
      requestsLeft: expect.any(Number),
      exportsLeft: { ReportExport: { left: 99, limit: 100 }, ClickExport: { left: 9, limit: 10 } },
    });
    const shown = await impactkit(["queue", "status"], env);
    expect(shown.stdout).toMatch(
      new RegExp(
        `^${SID}: waiting 0 {2}delayed 0 {2}active 0 {2}completed 2 {2}failed 0 {2}\\(requests left this hour \\d+, ReportExport left today 99/100, ClickExport left today 9/10\\)$`,
        "m",
      ),
    );
    // The same request again: it ran, and says what it gave; --rerun queues it again.
    const again = await impactkit(reportArgs, env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(
      new RegExp(`^Pipeline ${pipeline} ran already at \\S+Z: ${to.replaceAll("/", "\\/")} \\(\\d+(\\.\\d)? [KM]?i?B\\); --rerun queues it again\\n$`),
    );
    const rerun = await impactkit([...reportArgs, "--rerun", "--json"], env);
    expect(JSON.parse(rerun.stdout)).toEqual({ pipeline, status: "rerun" });
    const jobs = sandbox.control.jobs();
    expect(jobs.map((job) => job.job.type).sort()).toEqual(["ApiReport", "ClickExport"]);
    for (const job of jobs) {
      const file = job.job.type === "ClickExport" ? clicksTo : to;
      expect(createHash("sha256").update(readFileSync(file)).digest("hex")).toBe((await sandbox.control.result(job.job.id)).sha256);
    }
    expect(sandbox.control.requests("api").find((request) => request.path.endsWith("/ClickExport"))?.query).toMatchObject({ Date: "2026-11-02" });
    worker.child.kill("SIGTERM");
    const ended = await worker.done;
    expect(ended.code).toBe(143);
    expect(ended.stdout + ended.stderr + added.stdout + added.stderr + clicks.stdout + clicks.stderr).not.toContain(TOKEN);
  });

  it("refuses an export its flavor's spec would refuse, before anything reaches Redis", async () => {
    const pipelines = async () => (await redis.client.keys("bull:impactkit-exports:export-*")).filter((key) => /:export-[0-9a-f]+$/.test(key)).length;
    const before = await pipelines();
    const run = await impactkit(
      [
        "queue",
        "add",
        "export",
        "report",
        "mp_action_listing_fast",
        "--api",
        "partner-v15",
        "--account-sid",
        SID,
        "-p",
        "START_DATE=2026-11-01",
        "-o",
        join(dir, "y.csv"),
      ],
      { IMPACT_REDIS_URL: redis.url },
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("ReportExport mp_action_listing_fast needs END_DATE (-p END_DATE=…)");
    const impossible = await impactkit(
      [
        ...["queue", "add", "export", "report", "mp_action_listing_fast", "--api", "partner-v15", "--account-sid", SID],
        ...["-p", "START_DATE=2026-13-45", "-p", "END_DATE=2026-11-01", "-o", join(dir, "z.csv")],
      ],
      { IMPACT_REDIS_URL: redis.url },
    );
    expect(impossible.code).toBe(2);
    expect(impossible.stderr).toContain('-p START_DATE takes a real date; "2026-13-45" is not one');
    expect(await pipelines()).toBe(before);
  });

  it("refuses a request the queue cannot run with a usage error", async () => {
    const run = await impactkit(["queue", "add", "export", "report", "x", "--api", "partner-v15", "--account-sid", "IR 1", "-o", join(dir, "x.csv")], {
      IMPACT_REDIS_URL: redis.url,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Account SID/);
  });
});
