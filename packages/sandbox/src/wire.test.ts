import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "./sandbox.js";
import { clientsFor } from "./testing/support.js";

let sandbox: Sandbox;
const auth = `Basic ${Buffer.from("IRSANDBOX0001:sandbox-token").toString("base64")}`;

beforeAll(async () => {
  sandbox = await startSandbox({ clock: "manual", rateLimit: { perHour: 3 } });
});
afterAll(async () => {
  expect(sandbox.control.violations()).toEqual([]);
  await sandbox.close();
});

describe("wire realism", () => {
  it("answers XML unless asked for JSON by Accept or a .json suffix", async () => {
    sandbox.control.setRateLimit({ perHour: 100 });
    const xml = await fetch(`${sandbox.url}/Mediapartners/IRSANDBOX0001/Jobs`, { headers: { Authorization: auth } });
    expect(xml.headers.get("content-type")).toBe("application/xml; charset=utf-8");
    expect(await xml.text()).toMatch(
      /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<ImpactRadiusResponse page="1" numpages="1" pagesize="1000" total="0" [^>]*nextpageuri=""[^>]*><Jobs><\/Jobs><\/ImpactRadiusResponse>\n$/,
    );
    const suffix = await fetch(`${sandbox.url}/Mediapartners/IRSANDBOX0001/Jobs.json`, { headers: { Authorization: auth } });
    expect(await suffix.json()).toMatchObject({ Jobs: [] });
    const accept = await fetch(`${sandbox.url}/Agencies/IRSANDBOX0001/Jobs`, { headers: { Authorization: auth, Accept: "application/json" } });
    expect(await accept.json()).toEqual([]);
  });

  it("refuses an agency ReportExport with HTTP 200 and Status ERROR; partner and brand with 4xx", async () => {
    sandbox.control.setRateLimit({ perHour: 100 });
    const { agency, partner, brand } = clientsFor(sandbox);
    const refused = await agency.GET("/ReportExport/{ReportId}", { params: { path: { ReportId: "no_such_report" } } });
    expect(refused.response.status).toBe(200);
    expect(refused.data).toEqual({ Status: "ERROR", Message: "No report exists with the Id no_such_report, or the report is not API accessible." });
    const badDate = await agency.GET("/ReportExport/{ReportId}", {
      params: { path: { ReportId: "att_adv_performance_by_day_pm_only" }, query: { START_DATE: "yesterday" } },
    });
    expect(badDate.data).toMatchObject({ Status: "ERROR", Message: "Validation Failed: START_DATE Must be a date, YYYY-MM-DD" });
    const missing = await partner.GET("/ReportExport/{Id}", { params: { path: { Id: "mp_action_listing_fast" } } } as never);
    expect(missing.response.status).toBe(400);
    expect(missing.error).toEqual({
      Status: "ERROR",
      Message: "Validation Failed",
      Errors: [
        { Field: "START_DATE", Message: "Required" },
        { Field: "END_DATE", Message: "Required" },
      ],
    });
    expect(
      (await partner.GET("/ReportExport/{Id}", { params: { path: { Id: "nope" }, query: { START_DATE: "2026-11-01", END_DATE: "2026-11-02" } } })).response
        .status,
    ).toBe(404);
    const oldClicks = await brand.GET("/Programs/{ProgramId}/ClickExport", { params: { path: { ProgramId: 1 }, query: { Date: "2024-01-01" } } });
    expect(oldClicks.error).toMatchObject({ Errors: [{ Field: "Date", Message: "Only dates from 2024-04-10 are supported" }] });
  });

  it("counts the hourly budget in each flavor's own headers, then answers 429 with Retry-After", async () => {
    sandbox.control.setRateLimit({ perHour: 2, resetFormat: "seconds" });
    const { partner, brand } = clientsFor(sandbox);
    const first = await partner.GET("/Jobs", {});
    expect(first.response.headers.get("x-ratelimit-limit-hour")).toBe("2");
    expect(first.response.headers.get("x-ratelimit-remaining-hour")).toBe("1");
    expect(Number(first.response.headers.get("ratelimit-reset"))).toBeGreaterThan(0);
    await partner.GET("/Jobs", {});
    const spent = await partner.GET("/Jobs", {});
    expect(spent.response.status).toBe(429);
    expect(spent.response.headers.get("retry-after")).toBe(spent.response.headers.get("ratelimit-reset"));
    expect(spent.response.headers.get("x-ratelimit-remaining-hour")).toBe("0");
    const brandFirst = await brand.GET("/Jobs", {});
    expect(brandFirst.response.headers.get("x-ratelimit-remaining")).toBe("1");
    expect(brandFirst.response.headers.get("x-ratelimit-reset")).toMatch(/^\d{1,4}$/);
    sandbox.control.advance(3_600_000);
    expect((await partner.GET("/Jobs", {})).response.status).toBe(200);
  });
});
