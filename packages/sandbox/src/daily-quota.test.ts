import { SPEC as PARTNER_SPEC } from "@impactkit/partner-v15";
import { afterEach, describe, expect, it } from "vitest";
import { SANDBOX_START } from "./clock.js";
import { DailyExportQuota } from "./daily-quota.js";
import { DEFAULT_ACCOUNT, startSandbox, type Sandbox, type SandboxOptions } from "./sandbox.js";
import { API_HEADERS } from "./testing/support.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SID = DEFAULT_ACCOUNT.accountSid;
const OTHER = { accountSid: "IRSANDBOX0002", authToken: "other-token" };

let sandbox: Sandbox;
afterEach(async () => {
  expect(sandbox.control.violations()).toEqual([]);
  await sandbox.close();
});

async function start(options: SandboxOptions = {}): Promise<Sandbox> {
  sandbox = await startSandbox({ clock: "manual", accounts: [DEFAULT_ACCOUNT, OTHER], ...options });
  return sandbox;
}

const basic = (account: { accountSid: string; authToken: string }) => `Basic ${Buffer.from(`${account.accountSid}:${account.authToken}`).toString("base64")}`;

/** A GET to the API origin as the account, with its status, headers and JSON body. */
async function get(path: string, account = DEFAULT_ACCOUNT, headers: Record<string, string> = {}) {
  const response = await fetch(`${sandbox.url}${path}`, { headers: { ...API_HEADERS, Authorization: basic(account), ...headers } });
  return { status: response.status, headers: Object.fromEntries(response.headers), body: (await response.json()) as Record<string, unknown> };
}

/** A date of November 2026, `day` its day of the month. */
const november = (day: number) => `2026-11-${String(day).padStart(2, "0")}`;

const partnerReport = (day: number, account = DEFAULT_ACCOUNT) =>
  get(`/Mediapartners/${account.accountSid}/ReportExport/mp_action_listing_fast?START_DATE=${november(day)}&END_DATE=${november(day)}`, account);
const partnerClicks = (day: number) => get(`/Mediapartners/${SID}/ClickExport?Date=${november(day)}`);
const RATE_HEADERS = ["x-ratelimit-limit-hour", "x-ratelimit-remaining-hour", "ratelimit-reset", "retry-after"];
const rateHeaders = (headers: Record<string, string>) =>
  Object.fromEntries(RATE_HEADERS.filter((name) => name in headers).map((name) => [name, headers[name]]));

describe("the daily export quotas (https://integrations.impact.com/partner-api-reference/readme/rate-limits)", () => {
  it("counts each export that creates a job over a rolling 24 hours, and answers one over the limit with 429 and the flavor's headers", async () => {
    await start({ dailyExportLimits: { ReportExport: 3, ClickExport: 1 } });
    const first = await partnerReport(1);
    sandbox.control.advance(HOUR);
    await partnerReport(2);
    sandbox.control.advance(HOUR);
    await partnerReport(3);
    // An identical request returns the job it scheduled: no new job, nothing counted.
    const again = await partnerReport(1);
    expect([first.status, again.status, again.body["QueuedUri"]]).toEqual([200, 200, first.body["QueuedUri"]]);
    expect(sandbox.control.exportsToday(SID)).toEqual({ ReportExport: 3, ClickExport: 0 });

    const refused = await partnerReport(4);
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ Status: "ERROR", Message: "Daily ReportExport limit exceeded: this account may schedule 3 ReportExport jobs a day." });
    // The oldest counted export, 2 hours ago, leaves the window in 22 hours.
    expect(rateHeaders(refused.headers)).toEqual({
      "x-ratelimit-limit-hour": "3",
      "x-ratelimit-remaining-hour": "0",
      "ratelimit-reset": String(22 * 3600),
      "retry-after": String(22 * 3600),
    });
    expect(sandbox.control.jobs()).toHaveLength(3);
    // Still the job it made: a repeat of a counted request is answered whatever the quota.
    expect((await partnerReport(2)).status).toBe(200);

    sandbox.control.advance(22 * HOUR - 1_000);
    expect((await partnerReport(4)).status).toBe(429);
    sandbox.control.advance(1_000);
    expect(sandbox.control.exportsToday(SID)).toEqual({ ReportExport: 2, ClickExport: 0 });
    expect((await partnerReport(4)).status).toBe(200);
    const next = await partnerReport(5);
    expect([next.status, next.headers["ratelimit-reset"]]).toEqual([429, String(HOUR / 1000)]);
    expect(sandbox.control.requests("api").map((request) => request.status)).toEqual([200, 200, 200, 200, 429, 200, 429, 200, 429]);
  });

  it("counts ClickExport on its own, each account and flavor on its own, and every refused export against the hourly budget too", async () => {
    await start({ dailyExportLimits: { ReportExport: 1, ClickExport: 1 } });
    expect((await partnerClicks(1)).status).toBe(200);
    const clicks = await partnerClicks(2);
    expect([clicks.status, clicks.body["Message"]]).toEqual([429, "Daily ClickExport limit exceeded: this account may schedule 1 ClickExport jobs a day."]);
    expect((await partnerReport(1)).status).toBe(200);
    expect((await partnerReport(1, OTHER)).status).toBe(200);
    const v16 = await get(`/Mediapartners/${SID}/ReportExport/mp_action_listing_fast?START_DATE=2026-11-09&END_DATE=2026-11-09`, DEFAULT_ACCOUNT, {
      "IR-Version": "16",
    });
    expect(v16.status).toBe(200);
    expect(sandbox.control.exportsToday(SID)).toEqual({ ReportExport: 2, ClickExport: 1 });
    expect(sandbox.control.exportsToday(SID, "partner-v15")).toEqual({ ReportExport: 1, ClickExport: 1 });
    expect(sandbox.control.exportsToday(OTHER.accountSid)).toEqual({ ReportExport: 1, ClickExport: 0 });
    expect(sandbox.control.usage()).toEqual([
      expect.objectContaining({ accountSid: SID, flavor: "partner-v15", requests: 3, refused: 0 }),
      expect.anything(),
      expect.anything(),
    ]);
  });

  it("sends brand's reset header as the epoch second the oldest export leaves the window, with no Retry-After (its spec's 429 has none), or as seconds", async () => {
    await start({ dailyExportLimits: { ReportExport: 1 } });
    const report = (day: number) => get(`/Advertisers/${SID}/ReportExport/adv_action_listing_pm_only?START_DATE=${november(day)}&END_DATE=${november(day)}`);
    expect((await report(1)).status).toBe(200);
    sandbox.control.advance(90_500);
    const refused = await report(2);
    expect(refused.status).toBe(429);
    expect(refused.headers).toMatchObject({
      "x-ratelimit-limit": "1",
      "x-ratelimit-remaining": "0",
      "x-ratelimit-reset": String((SANDBOX_START + DAY) / 1000),
    });
    expect(refused.headers).not.toHaveProperty("retry-after");
    sandbox.control.setRateLimit({ resetFormat: "seconds" });
    expect((await report(2)).headers["x-ratelimit-reset"]).toBe(String(Math.ceil((DAY - 90_500) / 1000)));
    // Brand's ClickExport keeps its documented 10.
    for (let day = 1; day <= 10; day += 1) expect((await get(`/Advertisers/${SID}/Programs/7/ClickExport?Date=${november(day)}`)).status).toBe(200);
    const clicks = await get(`/Advertisers/${SID}/Programs/7/ClickExport?Date=2026-11-11`);
    expect([clicks.status, clicks.headers["x-ratelimit-limit"]]).toEqual([429, "10"]);
  });

  it("takes the documented limits from the flavor's spec, and limits no flavor that documents none (agency)", async () => {
    await start({ dailyExportLimits: { ReportExport: 1, ClickExport: 1 } });
    for (let day = 1; day <= 3; day += 1)
      expect((await get(`/Agencies/${SID}/ReportExport/att_adv_performance_by_day_pm_only?SUBAID=${day}`)).status).toBe(200);
    expect(sandbox.control.exportsToday(SID, "agency-v3")).toEqual({ ReportExport: 0, ClickExport: 0 });
    await sandbox.close();

    await start();
    const limits = PARTNER_SPEC.traits.dailyExportLimits;
    expect(limits).toEqual({ ReportExport: 100, ClickExport: 10 });
    for (let day = 1; day <= limits.ClickExport; day += 1) expect((await partnerClicks(day)).status).toBe(200);
    const refused = await partnerClicks(11);
    expect([refused.status, refused.headers["x-ratelimit-limit-hour"]]).toEqual([429, String(limits.ClickExport)]);
  });

  it("refuses limits that are no whole number of 0 or more", () => {
    const options = (ReportExport: number) => ({ limits: { ReportExport }, retryAfter: new Set<string>(), resetFormat: () => "epoch" as const });
    expect(() => new DailyExportQuota(options(-1))).toThrow("dailyExportLimits.ReportExport must be a whole number of 0 or more (or Infinity), got -1");
    expect(() => new DailyExportQuota(options(2.5))).toThrow(RangeError);
    expect(() => new DailyExportQuota(options(Number.POSITIVE_INFINITY))).not.toThrow();
  });
});
