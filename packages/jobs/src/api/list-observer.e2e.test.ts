import { getEventListeners } from "node:events";
import { createClient as agencyClient } from "@impactkit/agency-v3";
import { createClient as brandClient } from "@impactkit/brand";
import { createClient as partnerClient } from "@impactkit/partner-v15";
import { DEFAULT_ACCOUNT, ManualClock, manualDriver, startSandbox, type Sandbox, type SandboxOptions } from "@impactkit/sandbox";
import { afterEach, describe, expect, it } from "vitest";
import { createJobs, decodeResumeToken, JobAbortedError, JobFailedError, JobTimeoutError, type Job, type JobsOptions } from "../index.js";
import type { RateLimitEvent } from "../http/call-context.js";

/**
 * Many waits on one instance observe their jobs through the Jobs list, against the sandbox on its manual
 * clock (the client's timers on the same clock): every check happens when the test fires it.
 */
let sandbox: Sandbox | undefined;
afterEach(async () => {
  expect(sandbox?.control.violations()).toEqual([]);
  await sandbox?.close();
  sandbox = undefined;
});

async function start(options: SandboxOptions = {}): Promise<Sandbox> {
  sandbox = await startSandbox({ clock: "manual", job: { queueMs: 2_000, runMs: 20_000, rows: 5 }, ...options });
  return sandbox;
}

const FLAVORS = [
  { flavor: "partner", report: "mp_action_listing_fast", params: (day: string) => ({ START_DATE: day, END_DATE: day }) },
  { flavor: "agency", report: "att_adv_performance_by_day_pm_only", params: (day: string) => ({ START_DATE: day, END_DATE: day }) },
  { flavor: "brand", report: "4222", params: (day: string) => ({ StartDate: `${day}T00:00:00Z` }) },
] as const;

type Flavor = (typeof FLAVORS)[number];

const CLIENTS = { partner: partnerClient, agency: agencyClient, brand: brandClient };

const drivers = new WeakMap<Sandbox, ReturnType<typeof manualDriver>>();
const driverOf = (box: Sandbox) => drivers.get(box) ?? drivers.set(box, manualDriver(box)).get(box)!;

function jobsOf(box: Sandbox, flavor: Flavor["flavor"], options: JobsOptions = {}) {
  return createJobs(CLIENTS[flavor]({ ...DEFAULT_ACCOUNT, baseUrl: box.url, fetch: driverOf(box).fetch }), {
    timing: box.control.timers(),
    timeoutMs: 86_400_000,
    ...options,
  });
}

/** Fires the sandbox's timers, one at a time once every request has been answered, until `promise` settles. */
const drive = <T>(box: Sandbox, promise: Promise<T>): Promise<T> => driverOf(box).drive(promise);
const quiet = (box: Sandbox): Promise<void> => driverOf(box).quiet();

/** What the API origin was asked, as `list`/`list p2`/`get`/`export`/… (one word per request). */
function calls(box: Sandbox): string[] {
  return box.control.requests("api").map((request) => {
    const last = request.path.split("/").at(-1)!;
    if (last === "Jobs") return request.query.Page && request.query.Page !== "1" ? `list p${request.query.Page}` : "list";
    if (/^[0-9a-f-]{36}$/.test(last)) return "get";
    return last === "Download" ? "download" : "export";
  });
}

const count = (values: readonly string[], value: string) => values.filter((one) => one === value).length;

describe.each(FLAVORS)("$flavor: many waits observe their jobs through one Jobs list", ({ flavor, report, params }) => {
  it("a list per tick for every wait, no GET per job, every job completed", async () => {
    const box = await start();
    const jobs = jobsOf(box, flavor);
    const ids: string[] = [];
    for (let index = 0; index < 12; index += 1)
      ids.push((await jobs.exportReport(report, params(`2026-10-${String(index + 1).padStart(2, "0")}`) as never)).id);
    box.control.clearRequests();
    const results = await drive(box, jobs.waitAll(ids));
    expect(results.map((result) => (result.status === "fulfilled" ? result.value.Status : result.reason))).toEqual(ids.map(() => "COMPLETED"));
    const made = calls(box);
    expect(count(made, "get")).toBe(0);
    expect(count(made, "list")).toBeGreaterThan(0);
    expect(count(made, "list")).toBeLessThanOrEqual(ids.length);
  });

  it("follows the list's pages, or reads on its own a job a page leaves out", async () => {
    const box = await start({ maxListPageSize: 2 });
    const jobs = jobsOf(box, flavor);
    const ids: string[] = [];
    for (let index = 0; index < 5; index += 1) ids.push((await jobs.exportReport(report, params(`2026-09-${String(index + 1).padStart(2, "0")}`) as never)).id);
    box.control.clearRequests();
    const results = await drive(box, jobs.waitAll(ids));
    expect(results.every((result) => result.status === "fulfilled" && result.value.Status === "COMPLETED")).toBe(true);
    const made = calls(box);
    if (flavor === "agency") {
      // A bare-array page of 2 when 1,000 were asked for looks like the last: the jobs it leaves out are read on their own.
      expect(count(made, "list p2")).toBe(0);
      expect(count(made, "get")).toBeGreaterThanOrEqual(3);
    } else {
      expect(count(made, "list p2")).toBe(count(made, "list"));
      expect(count(made, "list p3")).toBe(count(made, "list"));
      expect(count(made, "get")).toBe(0);
    }
  });
});

describe.each(FLAVORS)("$flavor: the list's window is the UTC day before the oldest job, across a year's end", ({ flavor, report, params }) => {
  it("jobs made in the first seconds of 2029 (UTC) are listed from 2028-12-31 (its first second where the list takes date-times) until they complete", async () => {
    const box = await start({ clock: new ManualClock(Date.UTC(2029, 0, 1, 0, 0, 30)) });
    const jobs = jobsOf(box, flavor);
    const ids = [(await jobs.exportReport(report, params("2028-12-30") as never)).id, (await jobs.exportReport(report, params("2028-12-31") as never)).id];
    box.control.clearRequests();
    const results = await drive(box, jobs.waitAll(ids));
    expect(results.map((result) => (result.status === "fulfilled" ? result.value.Status : result.reason))).toEqual(["COMPLETED", "COMPLETED"]);
    const windows = box.control
      .requests("api")
      .filter((request) => request.path.endsWith("/Jobs"))
      .map((request) => request.query.CreatedAfter);
    expect(windows.length).toBeGreaterThan(0);
    expect(new Set(windows)).toEqual(new Set([jobs.spec.traits.listDateFormat === "date-time" ? "2028-12-31T00:00:00Z" : "2028-12-31"]));
  });
});

describe("list observation keeps every guarantee of a single wait", () => {
  it("a job created before the list's window is read on its own, then found in the next, wider list", async () => {
    const box = await start();
    const day = (epochMs: number) => new Date(epochMs).toISOString().slice(0, 10);
    box.control.planNext({ runMs: 10 * 86_400_000 });
    const createdAt = box.control.clock.now();
    const old = (await jobsOf(box, "partner").exportReport("mp_action_listing_fast", { START_DATE: "2026-08-01", END_DATE: "2026-08-01" })).id;
    box.control.advance(3 * 86_400_000);
    const later = jobsOf(box, "partner");
    const young = (await later.exportReport("mp_action_listing_fast", { START_DATE: "2026-08-02", END_DATE: "2026-08-02" })).id;
    const other = (await later.exportReport("mp_action_listing_fast", { START_DATE: "2026-08-03", END_DATE: "2026-08-03" })).id;
    box.control.clearRequests();
    const waitingOld = later.wait(old);
    const done = await drive(box, Promise.all([later.wait(young), later.wait(other)]));
    expect(done.map((job) => job.Status)).toEqual(["COMPLETED", "COMPLETED"]);
    expect(box.control.requests("api").filter((request) => request.path.endsWith(old))).toHaveLength(1);
    const windows = box.control
      .requests("api")
      .filter((request) => request.path.endsWith("/Jobs"))
      .map((request) => request.query.CreatedAfter);
    expect([windows[0], windows.at(-1)]).toEqual([day(box.control.clock.now() - 86_400_000 - 60_000), day(createdAt - 86_400_000)]);
    box.control.cancel(old);
    await expect(drive(box, waitingOld)).rejects.toBeInstanceOf(JobFailedError);
  });

  it("a postback reads its job at once on its own instead of from an older list", async () => {
    const box = await start({ job: { queueMs: 0, runMs: 1_000, rows: 1 } });
    const jobs = jobsOf(box, "partner", { policy: { firstDelayMs: 3_600_000 } });
    const ids = [
      (await jobs.exportReport("mp_action_listing_fast", { START_DATE: "2026-07-01", END_DATE: "2026-07-01" })).id,
      (await jobs.exportReport("mp_action_listing_fast", { START_DATE: "2026-07-02", END_DATE: "2026-07-02" })).id,
    ];
    const waits = jobs.waitAll(ids);
    box.control.advance(2_000);
    box.control.clearRequests();
    expect(jobs.notify(ids[0]!)).toBe(1);
    await box.control.runNextTimer();
    await quiet(box);
    const first = await Promise.race([waits, new Promise((resolve) => setImmediate(resolve, "pending"))]);
    expect(first).toBe("pending");
    expect(calls(box)).toEqual(["get"]);
    expect(jobs.notify(ids[1]!)).toBe(1);
    await expect(drive(box, waits)).resolves.toMatchObject([{ status: "fulfilled" }, { status: "fulfilled" }]);
  });

  it("100 waits sharing one AbortSignal keep one listener on it, gone when they end, and no MaxListenersExceededWarning", async () => {
    const box = await start({ job: { queueMs: 0, runMs: 3_600_000, rows: 1 } });
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on("warning", onWarning);
    try {
      const jobs = jobsOf(box, "partner");
      const ids: string[] = [];
      for (let index = 0; index < 100; index += 1)
        ids.push((await jobs.exportReport("mp_action_listing_fast", { START_DATE: "2026-06-01", END_DATE: "2026-06-01", SUBAID: String(index) })).id);
      const batch = new AbortController();
      const waits = jobs.waitAll(ids, { signal: batch.signal });
      expect(getEventListeners(batch.signal, "abort")).toHaveLength(1);
      await box.control.runNextTimer();
      batch.abort(new Error("the batch's deadline"));
      const results = await waits;
      expect(results.every((result) => result.status === "rejected" && result.reason instanceof JobAbortedError)).toBe(true);
      expect(getEventListeners(batch.signal, "abort")).toHaveLength(0);
      const finishing = new AbortController();
      const done = jobs.waitAll(ids.slice(0, 30), { signal: finishing.signal, timeoutMs: 10_000 });
      await drive(box, done);
      expect(getEventListeners(finishing.signal, "abort")).toHaveLength(0);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).toEqual([]);
    } finally {
      process.off("warning", onWarning);
    }
  });

  it("a wait for a job it did not see created checks at once; one for a job it just exported waits the first delay", async () => {
    const box = await start();
    const creator = jobsOf(box, "partner");
    const handle = await creator.exportReport("mp_action_listing_fast", { START_DATE: "2026-05-01", END_DATE: "2026-05-01" });
    box.control.clearRequests();
    const other = jobsOf(box, "partner");
    const elsewhere = other.wait(handle.id);
    await expect.poll(() => calls(box)).toEqual(["get"]);
    expect(await box.control.nextTimer()).toBeGreaterThanOrEqual(box.control.clock.now() + 6_000 * 0.8 - 1);
    const own = creator.wait(handle.id);
    expect(calls(box)).toEqual(["get"]);
    await drive(box, Promise.all([elsewhere, own]));
  });
});

describe("list observation keeps the other guarantees of a single wait", () => {
  it("a list that fails (503 spent, JSON cut short) or shows an undocumented status: every wait still completes, the status reported once", async () => {
    const box = await start();
    const warnings: string[] = [];
    const jobs = jobsOf(box, "brand", { retries: 0, logger: { warn: (message) => warnings.push(message) } });
    const ids: string[] = [];
    for (let index = 0; index < 4; index += 1)
      ids.push((await jobs.exportReport("4222", { START_DATE: `2026-03-0${index + 1}`, END_DATE: `2026-03-0${index + 1}` })).id);
    box.control.inject({ route: "listJobs", fault: { kind: "unknown-status", status: "THROTTLED" }, times: 2 });
    box.control.inject({ route: "listJobs", fault: { kind: "status", status: 503 } });
    box.control.inject({ route: "listJobs", fault: { kind: "malformed-json" } });
    const results = await drive(box, jobs.waitAll(ids));
    expect(results.map((result) => result.status)).toEqual(ids.map(() => "fulfilled"));
    expect(warnings.filter((message) => message.includes('undocumented status "THROTTLED"'))).toHaveLength(ids.length);
    expect(warnings.some((message) => /^GET \/Jobs failed .*; checking each job on its own for a while$/.test(message))).toBe(true);
  });

  it("a Job handed out from a list stays as it was when later lists show its job changed", async () => {
    const box = await start({ job: { queueMs: 0, runMs: 120_000, rows: 50 } });
    const jobs = jobsOf(box, "partner");
    const ids = [
      (await jobs.exportReport("mp_action_listing_fast", { START_DATE: "2026-01-01", END_DATE: "2026-01-01" })).id,
      (await jobs.exportReport("mp_action_listing_fast", { START_DATE: "2026-01-02", END_DATE: "2026-01-02" })).id,
    ];
    box.control.clearRequests();
    const seen: Job[] = [];
    const snapshots: string[] = [];
    const done = await drive(
      box,
      Promise.all(ids.map((id, index) => jobs.wait(id, index === 0 ? { onProgress: (job) => (seen.push(job), snapshots.push(JSON.stringify(job))) } : {}))),
    );
    expect(done.map((job) => job.Status)).toEqual(["COMPLETED", "COMPLETED"]);
    expect(calls(box).filter((call) => call === "get")).toEqual([]);
    expect(new Set(seen.map((job) => job.PercentageComplete)).size).toBeGreaterThan(2);
    expect(seen.map((job) => JSON.stringify(job))).toEqual(snapshots);
    for (const job of seen) expect(job.raw["PercentageComplete"]).toBe(String(job.PercentageComplete));
  });

  it("hands resume tokens from list checks and keeps each wait's deadline, with the last job the list showed", async () => {
    const box = await start({ job: { queueMs: 0, runMs: 86_400_000, rows: 1 } });
    const jobs = jobsOf(box, "partner");
    const ids = [
      (await jobs.exportReport("mp_action_listing_fast", { START_DATE: "2026-02-01", END_DATE: "2026-02-01" })).id,
      (await jobs.exportReport("mp_action_listing_fast", { START_DATE: "2026-02-02", END_DATE: "2026-02-02" })).id,
    ];
    const tokens = new Map<string, string[]>(ids.map((id) => [id, []]));
    box.control.clearRequests();
    const results = await drive(
      box,
      Promise.allSettled(ids.map((id) => jobs.wait(id, { timeoutMs: 60_000, onCheckpoint: (token) => tokens.get(id)!.push(token) }))),
    );
    for (const result of results) {
      expect(result.status === "rejected" && result.reason).toBeInstanceOf(JobTimeoutError);
      expect(((result as PromiseRejectedResult).reason as JobTimeoutError).job).toMatchObject({
        Status: "RUNNING",
        CreatedDate: expect.any(Date),
        PercentageComplete: expect.any(Number),
      });
    }
    expect(calls(box).filter((call) => call === "get")).toEqual([]);
    for (const id of ids) {
      expect(tokens.get(id)!.length).toBeGreaterThan(2);
      expect(decodeResumeToken(tokens.get(id)!.at(-2)!)).toMatchObject({ jobId: id, accountSid: DEFAULT_ACCOUNT.accountSid });
    }
  });
});

describe("one budget per account across everything an instance does", () => {
  it("exports beyond the hourly budget pace themselves and say so, with no 429", async () => {
    const box = await start({ rateLimit: { perHour: 20 }, job: { queueMs: 0, runMs: 1_000, rows: 1 } });
    const warnings: string[] = [];
    const events: RateLimitEvent[] = [];
    const jobs = jobsOf(box, "partner", { logger: { warn: (message) => warnings.push(message) }, onRateLimit: (event) => events.push(event) });
    const exports = Promise.all(
      Array.from({ length: 30 }, (_, index) =>
        jobs.exportReport("mp_action_listing_fast", { START_DATE: "2026-04-01", END_DATE: "2026-04-01", SUBAID: String(index) }),
      ),
    );
    const handles = await drive(box, exports);
    expect(new Set(handles.map((handle) => handle.id)).size).toBe(30);
    const statuses = box.control.requests("api").map((request) => request.status);
    expect(statuses.filter((status) => status === 429)).toEqual([]);
    expect(events.map((event) => event.kind)).toContain("pacing");
    expect(events.filter((event) => event.kind === "waiting").length).toBeGreaterThan(0);
    expect(warnings.some((message) => /requests left until .*; spacing requests out/.test(message))).toBe(true);
    const completed: Job[] = (await drive(box, jobs.waitAll(handles.map((handle) => handle.id)))).flatMap((result) =>
      result.status === "fulfilled" ? [result.value] : [],
    );
    expect(completed).toHaveLength(30);
    expect(box.control.requests("api").filter((request) => request.status === 429)).toEqual([]);
  });
});
