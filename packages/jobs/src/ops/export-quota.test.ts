import { createClient as agencyClient } from "@impactkit/agency-v3";
import { createClient as brandClient } from "@impactkit/brand";
import { createClient as partnerClient } from "@impactkit/partner-v15";
import { afterEach, describe, expect, it } from "vitest";
import { createJobs } from "../api/create-jobs.js";
import { ExportQuotaError, InvalidArgumentError, RateLimitError } from "../base/errors.js";
import type { JobsOptions } from "../impact/context.js";
import type { ExportKind, ExportQuotaStore } from "../impact/export-quota.js";
import { type FakeApi, JOB_ID, jobBody, rejection, sendJson, startFakeApi, VirtualTiming } from "../testing.js";
import { HOSTILE_ACCOUNT } from "../testing/clients.fixture.js";

/** A fixed instant (2026-11-25T12:00:00Z) of the virtual clock, late enough for a reset header to be read as an epoch. */
const NOW = Date.UTC(2026, 10, 25, 12);
const HOUR = 3_600_000;
const QUEUED = { Status: "QUEUED", QueuedUri: `/Mediapartners/${HOSTILE_ACCOUNT.accountSid}/Jobs/${JOB_ID}` };
const PARAMS = { START_DATE: "2026-11-01", END_DATE: "2026-11-01" };

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

/**
 * A raw server whose exports answer 429 with `headers` (ClickExport: 200), and whose jobs answer 200 — with no
 * rate-limit headers, so that nothing but the 429 can hold a call back.
 */
async function refusing(headers: Record<string, string>): Promise<FakeApi> {
  api = await startFakeApi((_request, response, path) => {
    if (path.startsWith("/ReportExport/")) return sendJson(response, 429, { Status: "ERROR", Message: "Rate limit exceeded." }, headers);
    if (path.endsWith("/ClickExport")) return sendJson(response, 200, QUEUED);
    return sendJson(response, 200, jobBody("COMPLETED"));
  });
  return api;
}

function virtual(): VirtualTiming {
  const timing = new VirtualTiming();
  timing.time = NOW;
  return timing;
}

const partnerJobs = (server: FakeApi, options: JobsOptions = {}) =>
  createJobs(partnerClient({ ...HOSTILE_ACCOUNT, baseUrl: server.url }), { timing: virtual(), ...options });
const exportsSent = (server: FakeApi) => server.seen.filter((request) => /Export/.test(request.path)).length;

describe("a 429 to an export whose reset lies beyond the hour is the daily quota (https://integrations.impact.com/partner-api-reference/readme/rate-limits)", () => {
  it.each([
    ["Retry-After in seconds", { "Retry-After": "7200", "RateLimit-Reset": "7200" }, NOW + 2 * HOUR],
    ["Retry-After as an HTTP date", { "Retry-After": new Date(NOW + 30 * HOUR).toUTCString() }, NOW + 30 * HOUR],
    ["the reset header alone", { "X-RateLimit-Limit-hour": "100", "X-RateLimit-Remaining-hour": "0", "RateLimit-Reset": "50000" }, NOW + 50_000_000],
  ])(
    "%s: rejects with ExportQuotaError at once, refuses the next export before any request, and holds no other call back",
    async (_name, headers, renewsAt) => {
      const server = await refusing(headers);
      const jobs = partnerJobs(server);
      const error = (await rejection(jobs.exportReport("mp_action_listing_fast", PARAMS))) as ExportQuotaError;
      expect(error).toBeInstanceOf(ExportQuotaError);
      expect([error.code, error.kind, error.limit, error.renewsAt]).toEqual(["IMPACTKIT_EXPORT_QUOTA", "ReportExport", 100, renewsAt]);
      expect(error.message).toBe(`the account's daily ReportExport quota (100 a day) is spent; it renews at ${new Date(renewsAt).toISOString()}`);
      expect(exportsSent(server)).toBe(1);

      await expect(jobs.exportReport("mp_action_listing_fast", { ...PARAMS, SUBAID: "2" })).rejects.toMatchObject({ kind: "ReportExport", renewsAt });
      expect(exportsSent(server)).toBe(1);
      expect(await jobs.exportQuota()).toEqual({ ReportExport: { limit: 100, left: 0, renewsAt }, ClickExport: { limit: 10, left: 10 } });
      // The hourly budget is untouched: the next calls go at once (a pause would wait for the virtual clock).
      await expect(jobs.get(JOB_ID)).resolves.toMatchObject({ Status: "COMPLETED" });
      await expect(jobs.exportClicks({ Date: "2026-11-24" })).resolves.toMatchObject({ id: JOB_ID });
    },
  );

  it("reads brand's reset header as an epoch, with no Retry-After", async () => {
    const renewsAt = NOW + 20 * HOUR;
    const server = await refusing({ "X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": String(renewsAt / 1000) });
    const jobs = createJobs(brandClient({ ...HOSTILE_ACCOUNT, baseUrl: server.url }), { timing: virtual() });
    await expect(jobs.exportReport("4222", {} as never)).rejects.toMatchObject({ name: "ExportQuotaError", kind: "ReportExport", limit: 100, renewsAt });
  });

  it("a 429 within the hour is the hourly budget, as before: retried, and with no retries left a RateLimitError", async () => {
    const server = await refusing({ "Retry-After": "60", "RateLimit-Reset": "60" });
    const jobs = partnerJobs(server, { retries: 0 });
    await expect(jobs.exportReport("mp_action_listing_fast", PARAMS)).rejects.toBeInstanceOf(RateLimitError);
    expect(await jobs.exportQuota()).toMatchObject({ ReportExport: { limit: 100, left: 99 } });
  });
});

describe("the export quota store", () => {
  it("counts each export before it is sent, at the instance's time, and a store that refuses means no request", async () => {
    const server = await refusing({});
    const calls: Array<[string, ExportKind, number, number]> = [];
    const store: ExportQuotaStore = {
      async take(kind, limit, now) {
        calls.push(["take", kind, limit, now]);
        return kind === "ClickExport" ? { ok: true } : { ok: false, renewsAt: now + HOUR };
      },
      async block(kind, renewsAt) {
        calls.push(["block", kind, 0, renewsAt]);
      },
      async left(kind, limit, now) {
        calls.push(["left", kind, limit, now]);
        return { left: 3 };
      },
    };
    const jobs = partnerJobs(server, { exportQuota: store });
    await expect(jobs.exportReport("mp_action_listing_fast", PARAMS)).rejects.toMatchObject({ kind: "ReportExport", limit: 100, renewsAt: NOW + HOUR });
    expect(exportsSent(server)).toBe(0);
    await jobs.exportClicks({ Date: "2026-11-24" });
    expect(exportsSent(server)).toBe(1);
    expect(await jobs.exportQuota()).toEqual({ ReportExport: { limit: 100, left: 3 }, ClickExport: { limit: 10, left: 3 } });
    expect(calls).toEqual([
      ["take", "ReportExport", 100, NOW],
      ["take", "ClickExport", 10, NOW],
      ["left", "ReportExport", 100, NOW],
      ["left", "ClickExport", 10, NOW],
    ]);
  });

  it("counts nothing where the flavor documents no daily limit (agency)", async () => {
    api = await startFakeApi((_request, response) =>
      sendJson(response, 200, { ...QUEUED, QueuedUri: `/Agencies/${HOSTILE_ACCOUNT.accountSid}/Jobs/${JOB_ID}` }),
    );
    const untouchable = new Proxy({} as ExportQuotaStore, {
      get: (_target, name) => (name === "then" ? undefined : () => Promise.reject(new Error(`the store was asked ${String(name)}`))),
    });
    const jobs = createJobs(agencyClient({ ...HOSTILE_ACCOUNT, baseUrl: api.url }), { timing: virtual(), exportQuota: untouchable });
    await expect(jobs.exportReport("att_adv_performance_by_day_pm_only", {} as never)).resolves.toMatchObject({ id: JOB_ID });
    expect(await jobs.exportQuota()).toEqual({});
  });

  it("refuses a store that is not one, before any request", async () => {
    const server = await refusing({});
    const error = await rejection(Promise.resolve().then(() => partnerJobs(server, { exportQuota: { take: async () => ({ ok: true }) } as never })));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ option: "exportQuota", message: "exportQuota must be an ExportQuotaStore: an object with take, block and left" });
    expect(server.seen).toEqual([]);
  });
});
