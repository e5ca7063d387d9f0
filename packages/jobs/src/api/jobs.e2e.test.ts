import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_ACCOUNT, manualDriver, startSandbox, type Sandbox } from "@impactkit/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobsOptions } from "../impact/context.js";
import { createJobs, type Jobs } from "./create-jobs.js";
import { ApiError, DownloadError, ExportRefusedError, InvalidArgumentError, JobFailedError, JobNotReplayableError, JobTimeoutError } from "../base/errors.js";
import type { Job } from "../base/job.js";
import { decodeResumeToken } from "../ops/resume-token.js";
import { createClient as partnerClient } from "@impactkit/partner-v15";
import { rejection } from "../testing.js";
import { SLOW_MACHINE_MS, clientsFor } from "../testing/clients.fixture.js";

const SCALE = 1_000;
let sandbox: Sandbox;
let dir: string;

beforeAll(async () => {
  sandbox = await startSandbox({ clock: { timeScale: SCALE }, job: { queueMs: 1_000, runMs: 6_000, rows: 250 } });
  dir = mkdtempSync(join(tmpdir(), "impactkit-jobs-"));
});
afterAll(async () => {
  expect(sandbox.control.violations()).toEqual([]);
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

const sha256 = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");
type Flavor = "partner" | "partnerV16" | "agency" | "brand";
const partnerV16Jobs = (options: JobsOptions = {}) =>
  createJobs(clientsFor(sandbox).partnerV16, { timing: sandbox.control.timers(), requestTimeoutMs: SLOW_MACHINE_MS, timeoutMs: 86_400_000, ...options });
const partnerJobs = (options: JobsOptions = {}) =>
  createJobs(clientsFor(sandbox).partner, { timing: sandbox.control.timers(), requestTimeoutMs: SLOW_MACHINE_MS, timeoutMs: 86_400_000, ...options });
const agencyJobs = (options: JobsOptions = {}) =>
  createJobs(clientsFor(sandbox).agency, { timing: sandbox.control.timers(), requestTimeoutMs: SLOW_MACHINE_MS, timeoutMs: 86_400_000, ...options });
const brandJobs = (options: JobsOptions = {}) =>
  createJobs(clientsFor(sandbox).brand, { timing: sandbox.control.timers(), requestTimeoutMs: SLOW_MACHINE_MS, timeoutMs: 86_400_000, ...options });
/** The operations every flavor shares. */
const jobsFor = (flavor: Flavor, options: JobsOptions = {}): Jobs<{}> =>
  ({ partner: partnerJobs, partnerV16: partnerV16Jobs, agency: agencyJobs, brand: brandJobs })[flavor](options) as unknown as Jobs<{}>;

async function exportFor(flavor: Flavor, day: string, format: "CSV" | "JSON" | "XML" = "CSV") {
  if (flavor === "partner") return partnerJobs().exportReport("mp_action_listing_fast", { START_DATE: day, END_DATE: day, ResultFormat: format });
  if (flavor === "partnerV16") return partnerV16Jobs().exportReport("mp_action_listing_fast", { START_DATE: day, END_DATE: day, ResultFormat: format });
  if (flavor === "agency") return agencyJobs().exportReport("att_adv_performance_by_day_pm_only", { START_DATE: day, END_DATE: day, ResultFormat: format });
  return brandJobs().exportReport("4222", { StartDate: `${day}T00:00:00Z`, ResultFormat: format });
}

describe.each(["partner", "partnerV16", "agency", "brand"] as const)("%s, end to end against the sandbox", (flavor) => {
  it("exports, waits with progress, and hands back a normalised job", async () => {
    const jobs = jobsFor(flavor);
    const handle = await exportFor(flavor, "2026-11-01");
    expect(handle.queuedUri).toMatch(new RegExp(`/Jobs/${handle.id}$`));
    // The sandbox tells the releases of a path apart by the client's IR-Version.
    expect(sandbox.control.job(handle.id).job.flavor).toBe({ partner: "partner-v15", partnerV16: "partner-v16", agency: "agency-v3", brand: "brand" }[flavor]);
    const seen: Job[] = [];
    const job = await jobs.wait(handle.id, { onProgress: (update) => seen.push(update) });
    expect(job).toMatchObject({ Id: handle.id, Status: "COMPLETED", Type: "ApiReport", PercentageComplete: 100, RecordsProcessed: 250, Replayable: true });
    expect(job.CompletedDate).toBeInstanceOf(Date);
    expect(job.AbandonedDate).toBeUndefined();
    // Unset dates come as "" (every example response), or null where the flavor's models say nullable (brand).
    expect(job.raw["AbandonedDate"]).toBe(flavor === "brand" ? null : "");
    expect(job.raw["RecordsProcessed"]).toBe("250");
    expect(seen.at(-1)!.Status).toBe("COMPLETED");
    const percentages = seen.map((update) => update.PercentageComplete!);
    expect(percentages).toEqual([...percentages].sort((a, b) => a - b));
    expect(await jobs.get(handle.id)).toMatchObject({ Id: handle.id, Status: "COMPLETED" });
  });

  it("downloads, streams and reads records that match the sandbox's result byte for byte", async () => {
    const jobs = jobsFor(flavor);
    const handle = await exportFor(flavor, "2026-11-02", "JSON");
    const target = join(dir, `${flavor}.json`);
    const progress: number[] = [];
    const result = await jobs.download(handle.id, { to: target, onProgress: (bytes) => progress.push(bytes) });
    const truth = await sandbox.control.result(handle.id);
    expect(result).toEqual({ path: target, bytes: truth.size });
    expect(sha256(readFileSync(target))).toBe(truth.sha256);
    expect(progress.at(-1)).toBe(truth.size);
    const streamed = new Uint8Array(await new Response(jobs.stream(handle.id, { mode: "stream" })).arrayBuffer());
    expect(sha256(streamed)).toBe(truth.sha256);
    const records = [];
    for await (const record of jobs.records(handle.id)) records.push(record);
    expect(records).toHaveLength(250);
    expect(records[0]).toMatchObject({ ActionId: "0000000000", EventDate: "2026-11-02" });
  });

  it("reads the rows of a CSV result, and refuses an XML one for records()", async () => {
    const jobs = jobsFor(flavor);
    const csv = await exportFor(flavor, "2026-11-11", "CSV");
    const rows = [];
    for await (const row of jobs.records(csv.id)) rows.push(row);
    expect(rows).toHaveLength(250);
    expect(Object.keys(rows[0]!)).toEqual(["ActionId", "EventDate", "ProgramId", "Clicks", "Amount"]);
    expect(rows[249]).toMatchObject({ ActionId: "0000000249" });
    const xml = await exportFor(flavor, "2026-11-12", "XML");
    const error = await rejection(
      (async () => {
        for await (const row of jobs.records(xml.id)) expect(row).toBeUndefined();
      })(),
    );
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as Error).message).toBe(`job ${xml.id} has an XML result; records() reads CSV and JSON results (use stream() for XML)`);
  });

  it("lists jobs by creation day, replays a job, and watches it to the end", async () => {
    const jobs = jobsFor(flavor);
    const handle = await exportFor(flavor, "2026-11-03");
    const today = new Date(sandbox.control.clock.now());
    const listed = await jobs.list({ createdAfter: today, createdBefore: today.toISOString().slice(0, 10) });
    expect(listed.map((job) => job.Id)).toContain(handle.id);
    expect(listed.every((job) => job.CreatedDate instanceof Date)).toBe(true);
    await jobs.wait(handle.id);
    // QUEUED for a real second: the answer to the replay reads QUEUED on a loaded machine too.
    sandbox.control.planNext({ queueMs: 1_000_000, runMs: 1_000_000 });
    const replayed = await jobs.replay(handle.id);
    expect(replayed.Id).not.toBe(handle.id);
    expect(replayed.Status).toBe("QUEUED");
    const statuses: string[] = [];
    for await (const update of jobs.watch(replayed.Id)) statuses.push(update.Status);
    expect(statuses.at(-1)).toBe("COMPLETED");
  });
});

describe("exports", () => {
  it("schedules click exports for partner and brand", async () => {
    const partner = await partnerJobs().exportClicks({ Date: "2026-11-24", ProgramId: ["12"] });
    expect(sandbox.control.job(partner.id).job).toMatchObject({ type: "ClickExport", programId: "12" });
    const brand = await brandJobs().exportClicks({ ProgramId: 777, Date: "2026-11-24" });
    expect(sandbox.control.job(brand.id).job).toMatchObject({ type: "ClickExport", programId: "777" });
  });

  it("rejects an agency ReportExport refused with HTTP 200 and Status ERROR as ExportRefusedError", async () => {
    const refused = agencyJobs().exportReport("no_such_report", {});
    await expect(refused).rejects.toBeInstanceOf(ExportRefusedError);
    await expect(refused).rejects.toThrow(
      "ReportExport no_such_report was refused: No report exists with the Id no_such_report, or the report is not API accessible.",
    );
  });

  it("validates the report id and refuses ClickExport on the agency API before any request", async () => {
    sandbox.control.clearRequests();
    await expect(partnerJobs().exportReport("../Jobs", { START_DATE: "2026-11-01", END_DATE: "2026-11-01" })).rejects.toBeInstanceOf(InvalidArgumentError);
    // What the spec alone refuses is refused before the daily quota counts it.
    const jobs = partnerJobs();
    const left = (await jobs.exportQuota()).ReportExport?.left;
    expect(left).toBeGreaterThan(0);
    await expect(jobs.exportReport("mp_action_listing_fast", { START_DATE: "2026-13-45", END_DATE: "2026-11-01" })).rejects.toMatchObject({
      name: "InvalidArgumentError",
      option: "START_DATE",
    });
    await expect(jobs.exportReport("mp_action_listing_fast", { START_DATE: "2026-11-01" } as never)).rejects.toMatchObject({ option: "END_DATE" });
    expect((await jobs.exportQuota()).ReportExport?.left).toBe(left);
    await expect(agencyJobs().exportClicks({} as never)).rejects.toThrow("the impact.com Agency API v3 has no ClickExport");
    expect(() => agencyJobs().checkClickExport({} as never)).toThrow(expect.objectContaining({ option: "ClickExport" }));
    expect(() => brandJobs().checkClickExport({ Date: "2026-11-01" } as never)).toThrow(
      expect.objectContaining({ message: "the impact.com Brand API v14 ClickExport needs a ProgramId", option: "ProgramId" }),
    );
    await expect(brandJobs().exportClicks({ Date: "2026-11-01" } as never)).rejects.toThrow("ClickExport needs a ProgramId");
    expect(() => brandJobs().checkClickExport({ Date: "2026-11-01", ProgramId: 4222 })).not.toThrow();
    expect(() => partnerJobs().checkClickExport({ Date: "2026-11-01" })).not.toThrow();
    expect(sandbox.control.requests()).toEqual([]);
  });
});

describe("replay", () => {
  it("of a job still running is a JobNotReplayableError (403 with the API's message), not a credentials error", async () => {
    sandbox.control.planNext({ runMs: 30 * 86_400_000 });
    const running = await exportFor("partner", "2025-06-30");
    const error = await rejection(partnerJobs().replay(running.id));
    expect(error).toBeInstanceOf(JobNotReplayableError);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 403, apiMessage: expect.stringMatching(/replay/i) });
  });
});

describe("terminal states", () => {
  it("rejects FAILED and CANCELLED jobs with JobFailedError carrying the job and its message", async () => {
    sandbox.control.planNext({ outcome: "FAILED" });
    const failed = await exportFor("partner", "2026-11-04");
    const error = (await rejection(jobsFor("partner").wait(failed.id))) as JobFailedError;
    expect(error).toBeInstanceOf(JobFailedError);
    expect(error).toMatchObject({ status: "FAILED", statusMessage: "Job failed after repeated errors", job: { Id: failed.id } });
    sandbox.control.planNext({ runMs: 600_000 });
    const cancelled = await exportFor("brand", "2026-11-05");
    sandbox.control.cancel(cancelled.id);
    await expect(jobsFor("brand").wait(cancelled.id)).rejects.toMatchObject({ name: "JobFailedError", status: "CANCELLED" });
  });
});

describe("unknown statuses and many waits", () => {
  it("keeps waiting through an undocumented Status, reporting it once to the logger", async () => {
    const warnings: string[] = [];
    const handle = await exportFor("partner", "2026-11-10");
    sandbox.control.inject({ route: "getJob", jobId: handle.id, fault: { kind: "unknown-status", status: "PAUSED" }, times: 2 });
    const done = await jobsFor("partner", { logger: { warn: (message: string) => warnings.push(message) } }).wait(handle.id);
    expect(done.Status).toBe("COMPLETED");
    expect(warnings).toEqual([`Job ${handle.id} has an undocumented status "PAUSED"; waiting on with backoff`]);
  });

  it("waits for many jobs on one instance", async () => {
    const jobs = jobsFor("partner", { concurrency: 4 });
    const handles = await Promise.all(Array.from({ length: 40 }, (_, index) => exportFor("partner", `2026-10-${String((index % 28) + 1).padStart(2, "0")}`)));
    const ids = [...new Set(handles.map((handle) => handle.id))];
    const results = await jobs.waitAll(ids);
    expect(results.every((result) => result.status === "fulfilled" && result.value.Status === "COMPLETED")).toBe(true);
  });
});

/**
 * Where what a wait sees depends on when it checks, the sandbox runs on its manual clock and the client's
 * timers on the same clock: each check happens when the test fires it, so no machine is too slow for them.
 */
describe("on the sandbox's manual clock: what a wait sees, check by check", () => {
  let manual: Sandbox;
  beforeAll(async () => {
    manual = await startSandbox({ clock: "manual", job: { queueMs: 1_000, runMs: 6_000, rows: 250 } });
  });
  afterAll(async () => {
    expect(manual.control.violations()).toEqual([]);
    await manual.close();
  });
  const manualOptions = (options: JobsOptions): JobsOptions => ({ timing: manual.control.timers(), timeoutMs: 86_400_000, ...options });
  const partnerOn = (options: JobsOptions = {}) => createJobs(clientsFor(manual).partner, manualOptions(options));
  const brandOn = (options: JobsOptions = {}) => createJobs(clientsFor(manual).brand, manualOptions(options));
  const exportPartner = (day: string, jobs = partnerOn()) => jobs.exportReport("mp_action_listing_fast", { START_DATE: day, END_DATE: day });

  it("fails on ERROR by default, and waits through it (the 15-minute retries) when asked", async () => {
    manual.control.planNext({ errors: 1, retryMs: 60_000 });
    const flaky = await exportPartner("2026-11-06");
    manual.control.advance(7_000);
    const failing = partnerOn().wait(flaky.id);
    await manual.control.runNextTimer();
    await expect(failing).rejects.toMatchObject({ name: "JobFailedError", status: "ERROR" });
    let checked!: () => void;
    const firstCheck = new Promise<void>((resolve) => (checked = resolve));
    const seen: string[] = [];
    const tokens: string[] = [];
    const onCheckpoint = (token: string) => tokens.push(token) === 2 && checked();
    const patient = partnerOn({ waitThroughError: true }).wait(flaky.id, { onProgress: (job) => seen.push(job.Status), onCheckpoint });
    await manual.control.runNextTimer();
    await firstCheck;
    expect(seen).toEqual(["ERROR"]);
    manual.control.advance(66_000);
    await expect(patient).resolves.toMatchObject({ Status: "COMPLETED" });
  });

  it("times out at the deadline with the last state seen", async () => {
    // On the manual clock a request takes no time, however loaded the machine: the deadline finds a late job, not a silent API.
    manual.control.planNext({ runMs: 600_000_000 });
    const slow = await exportPartner("2026-11-07");
    const driver = manualDriver(manual);
    const jobs = createJobs(partnerClient({ ...DEFAULT_ACCOUNT, baseUrl: manual.url, fetch: driver.fetch }), manualOptions({}));
    const error = (await driver.drive(rejection(jobs.wait(slow.id, { timeoutMs: 2_000_000 })))) as JobTimeoutError;
    expect(error).toBeInstanceOf(JobTimeoutError);
    expect((error.job as Job).Status).toBe("RUNNING");
  });

  it("resumes a wait in another instance from a token that holds no credential", async () => {
    manual.control.planNext({ runMs: 30_000 });
    const brand = brandOn();
    const handle = await brand.exportReport("4222", { StartDate: "2026-11-08T00:00:00Z" });
    const controller = new AbortController();
    const tokens: string[] = [];
    const first = brand.wait(handle.id, { signal: controller.signal, onCheckpoint: (next) => tokens.push(next) === 2 && controller.abort() });
    expect(decodeResumeToken(tokens[0]!)).toMatchObject({ jobId: handle.id, attempt: 1, nextAt: manual.control.clock.now() });
    await manual.control.runNextTimer();
    await expect(first).rejects.toMatchObject({ name: "AbortError" });
    const token = tokens[1]!;
    expect(manual.control.job(handle.id).state.status).toBe("RUNNING");
    expect(token.length).toBeLessThan(300);
    const state = decodeResumeToken(token);
    expect(state).toMatchObject({ api: "brand", apiVersion: "14", accountSid: DEFAULT_ACCOUNT.accountSid, jobId: handle.id, attempt: 2 });
    const decoded = Buffer.from(token, "base64url").toString();
    expect(decoded).not.toContain(DEFAULT_ACCOUNT.authToken);
    expect(token).not.toContain(Buffer.from(`${DEFAULT_ACCOUNT.accountSid}:${DEFAULT_ACCOUNT.authToken}`).toString("base64"));
    manual.control.advance(60_000);
    await expect(brandOn().resume(token)).resolves.toMatchObject({ Id: handle.id, Status: "COMPLETED" });
    await expect(partnerOn().resume(token)).rejects.toThrow(
      "the token is for brand v14 account IRSANDBOX0001, not this client's partner v15 account IRSANDBOX0001",
    );
  });

  it("checks at once on notify (a Job Completion Event) instead of sleeping out the backoff", async () => {
    const jobs = partnerOn({ policy: { firstDelayMs: 3_600_000 } });
    const handle = await exportPartner("2026-11-09");
    manual.control.advance(7_000);
    const done = jobs.wait(handle.id);
    await manual.control.nextTimer();
    expect(jobs.notify(handle.id)).toBe(1);
    await expect(done).resolves.toMatchObject({ Status: "COMPLETED" });
  });

  it("watches a job from its first check to the end, one change at a time", async () => {
    const jobs = partnerOn();
    manual.control.planNext({ runMs: 1_000_000 });
    const handle = await exportPartner("2026-11-03", jobs);
    const watch = jobs.watch(handle.id);
    const first = watch.next();
    await manual.control.runNextTimer();
    await expect(first).resolves.toMatchObject({ done: false, value: { Status: "RUNNING" } });
    const second = watch.next();
    manual.control.advance(1_000_000);
    await expect(second).resolves.toMatchObject({ done: false, value: { Status: "COMPLETED" } });
    await expect(watch.next()).resolves.toMatchObject({ done: true });
  });

  it("downloads through 202: the Download call waits for the job, then follows the 302", async () => {
    manual.control.planNext({ runMs: 300_000 });
    const handle = await brandOn().exportReport("4222", { SUBAID: 5 });
    const target = join(dir, "through-202.csv");
    manual.control.advance(1_000);
    manual.control.clearRequests();
    let seenRunning!: () => void;
    const running = new Promise<void>((resolve) => (seenRunning = resolve));
    const onProgress = (job: Job) => {
      if (job.Status !== "RUNNING") return;
      manual.control.advance(400_000);
      seenRunning();
    };
    const done = brandOn({ policy: { firstDelayMs: 0 } }).download(handle.id, { to: target, wait: { onProgress } });
    await running;
    await manual.control.runNextTimer();
    await expect(done).resolves.toMatchObject({ path: target });
    const calls = manual.control.requests("api").map((request) => `${request.path.split("/").at(-1)} ${request.status}`);
    expect(calls).toEqual(["Download 202", `${handle.id} 200`, `${handle.id} 200`, "Download 302"]);
    expect(sha256(readFileSync(target))).toBe((await manual.control.result(handle.id)).sha256);
  });

  it("resumes in another process as the README shows, from the token saved before the first check", async () => {
    const saved = new Map<string, string>();
    const handle = await exportPartner("2026-11-13");
    const controller = new AbortController();
    const first = partnerOn().wait(handle.id, { signal: controller.signal, onCheckpoint: (token) => saved.set(`wait:${handle.id}`, token) });
    controller.abort();
    await expect(first).rejects.toMatchObject({ name: "AbortError" });
    manual.control.advance(7_000);
    const resumed = partnerOn().resume(saved.get(`wait:${handle.id}`)!, { onCheckpoint: (token) => saved.set(`wait:${handle.id}`, token) });
    await expect(resumed).resolves.toMatchObject({ Id: handle.id, Status: "COMPLETED" });
    await expect(partnerOn().resume(saved.get(`wait:${handle.id}`)!)).resolves.toMatchObject({ Id: handle.id, Status: "COMPLETED" });
  });
});
