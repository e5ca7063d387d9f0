import { SANDBOX_START, startSandbox, type Sandbox, type SandboxOptions } from "@impactkit/sandbox";
import { afterEach, describe, expect, it } from "vitest";
import { ExportQuotaError, memoryExportQuota, type JobsOptions } from "../index.js";
import { rejection } from "../testing.js";
import { clientsFor } from "../testing/clients.fixture.js";
import { createJobs } from "./create-jobs.js";

/**
 * The daily export quotas against the sandbox on its manual clock, which the client reads too: the limits the
 * client counts are its flavor's (`SPEC.traits.dailyExportLimits`), the sandbox's may be set lower.
 */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let sandbox: Sandbox;
afterEach(async () => {
  expect(sandbox.control.violations()).toEqual([]);
  await sandbox.close();
});

async function start(options: SandboxOptions = {}): Promise<Sandbox> {
  sandbox = await startSandbox({ clock: "manual", ...options });
  return sandbox;
}

const jobsOf = (options: JobsOptions = {}) => createJobs(clientsFor(sandbox).partner, { timing: sandbox.control.timers(), ...options });
const exportsSent = () => sandbox.control.requests("api").filter((request) => /Export/.test(request.path)).length;
const day = (index: number) => `2026-10-${String(index).padStart(2, "0")}`;

describe("createJobs counts exports against the account's daily quotas", () => {
  it("refuses the 11th partner ClickExport of a day before any request, and counts again once the first is a day old", async () => {
    await start();
    const jobs = jobsOf();
    for (let index = 1; index <= 10; index += 1) {
      await jobs.exportClicks({ Date: day(index) });
      sandbox.control.advance(60_000);
    }
    expect(await jobs.exportQuota()).toEqual({
      ReportExport: { limit: 100, left: 100 },
      ClickExport: { limit: 10, left: 0, renewsAt: SANDBOX_START + DAY },
    });
    const error = (await rejection(jobs.exportClicks({ Date: day(11) }))) as ExportQuotaError;
    expect(error).toBeInstanceOf(ExportQuotaError);
    expect([error.kind, error.limit, error.renewsAt, error.message]).toEqual([
      "ClickExport",
      10,
      SANDBOX_START + DAY,
      "the account's daily ClickExport quota (10 a day) is spent; it renews at 2026-11-26T12:00:00.000Z",
    ]);
    expect(exportsSent()).toBe(10);
    await jobs.exportReport("mp_action_listing_fast", { START_DATE: day(1), END_DATE: day(1) });

    sandbox.control.advance(DAY - 10 * 60_000);
    expect(await jobs.exportQuota()).toMatchObject({ ClickExport: { limit: 10, left: 1 } });
    await jobs.exportClicks({ Date: day(11) });
    expect(sandbox.control.exportsToday(clientsFor(sandbox).partner.accountSid, "partner-v15")).toEqual({ ReportExport: 1, ClickExport: 10 });
  });

  it("takes a 429 of the sandbox's own lower quota for the day's: refused at once, and refused before any request until its reset", async () => {
    await start({ dailyExportLimits: { ReportExport: 2 } });
    const jobs = jobsOf();
    const report = (index: number) => jobs.exportReport("mp_action_listing_fast", { START_DATE: day(index), END_DATE: day(index) });
    const { id } = await report(1);
    sandbox.control.advance(HOUR);
    await report(2);
    sandbox.control.advance(HOUR);
    const renewsAt = SANDBOX_START + DAY;
    await expect(report(3)).rejects.toMatchObject({ name: "ExportQuotaError", kind: "ReportExport", limit: 100, renewsAt });
    expect(sandbox.control.requests("api").map((request) => request.status)).toEqual([200, 200, 429]);
    await expect(report(4)).rejects.toMatchObject({ kind: "ReportExport", renewsAt });
    expect(exportsSent()).toBe(3);
    expect(await jobs.exportQuota()).toMatchObject({ ReportExport: { limit: 100, left: 0, renewsAt } });
    // Polls go on at once: the 429's headers were not taken for the hourly budget.
    await expect(jobs.get(id)).resolves.toMatchObject({ Status: "COMPLETED" });

    sandbox.control.advance(renewsAt - sandbox.control.clock.now());
    await expect(report(4)).resolves.toMatchObject({ id: expect.any(String) });
    expect(await jobs.exportQuota()).toMatchObject({ ReportExport: { limit: 100, left: 97 } });
  });

  it("follows brand's epoch reset header (no Retry-After) for its ClickExport", async () => {
    await start({ dailyExportLimits: { ClickExport: 1 } });
    const jobs = createJobs(clientsFor(sandbox).brand, { timing: sandbox.control.timers() });
    await jobs.exportClicks({ ProgramId: 7, Date: day(1) });
    sandbox.control.advance(90_000);
    await expect(jobs.exportClicks({ ProgramId: 7, Date: day(2) })).rejects.toMatchObject({
      name: "ExportQuotaError",
      kind: "ClickExport",
      limit: 10,
      renewsAt: SANDBOX_START + DAY,
    });
    expect(await jobs.exportQuota()).toEqual({
      ReportExport: { limit: 100, left: 100 },
      ClickExport: { limit: 10, left: 0, renewsAt: SANDBOX_START + DAY },
    });
  });

  it("shares one count between the instances of a fleet that share a store", async () => {
    await start();
    const store = memoryExportQuota();
    const [first, second] = [jobsOf({ exportQuota: store }), jobsOf({ exportQuota: store })];
    for (let index = 1; index <= 10; index += 1) await (index % 2 === 0 ? first : second).exportClicks({ Date: day(index) });
    await expect(first.exportClicks({ Date: day(11) })).rejects.toBeInstanceOf(ExportQuotaError);
    await expect(second.exportClicks({ Date: day(11) })).rejects.toBeInstanceOf(ExportQuotaError);
    expect(exportsSent()).toBe(10);
    expect(await jobsOf().exportQuota()).toMatchObject({ ClickExport: { left: 10 } });
  });
});

describe("rateBudget", () => {
  it("is unknown before any answer, then what impact.com's last rate-limit headers said, shared by the instance's calls", async () => {
    await start({ rateLimit: { perHour: 50 } });
    const jobs = jobsOf();
    expect(jobs.rateBudget()).toBeUndefined();
    await jobs.list();
    await jobs.exportClicks({ Date: day(1) });
    expect(jobs.rateBudget()).toMatchObject({ limit: 50, remaining: 48 });
    expect(jobs.rateBudget()!.resetAt).toBeGreaterThan(SANDBOX_START);
    expect(jobs.rateBudget()!.resetAt).toBeLessThanOrEqual(SANDBOX_START + HOUR);
  });
});
