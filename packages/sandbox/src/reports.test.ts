import { createClient as partnerV15 } from "@impactkit/partner-v15";
import { createClient as partnerV16 } from "@impactkit/partner-v16";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ACCOUNT } from "./accounts.js";
import { DEFAULT_REPORTS, UI_ONLY_REPORT } from "./report-catalogue.js";
import { startSandbox, type Sandbox } from "./sandbox.js";

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ clock: "manual" });
});
afterAll(async () => {
  expect(sandbox.control.violations()).toEqual([]);
  await sandbox.close();
});

describe("report discovery, where the flavor's spec documents it (Partner v16)", () => {
  it("lists the reports, the API-accessible ones with their export path and one UI-only report, as the spec types them", async () => {
    const { data, response } = await partnerV16({ ...DEFAULT_ACCOUNT, baseUrl: sandbox.url }).GET("/Reports");
    expect(response.status).toBe(200);
    const reports = data!.Reports!;
    expect(reports.filter((report) => report.ApiAccessible).map((report) => report.Id)).toEqual([...DEFAULT_REPORTS]);
    expect(reports.find((report) => report.Id === "mp_action_listing_fast")).toMatchObject({ DeferredApiRunUri: `/Mediapartners/${DEFAULT_ACCOUNT.accountSid}/ReportExport/mp_action_listing_fast` });
    expect(reports.find((report) => !report.ApiAccessible)).toMatchObject({ Id: UI_ONLY_REPORT, RunUri: expect.stringMatching(/^\/secure\//) });
  });

  it("describes a report: its filters (the spec's required dates, SUBAID) and its columns; 404 for one it does not have", async () => {
    const client = partnerV16({ ...DEFAULT_ACCOUNT, baseUrl: sandbox.url });
    const { data } = await client.GET("/Reports/{Id}/MetaData", { params: { path: { Id: "mp_action_listing_fast" } } });
    expect(data!.Filters!.map((filter) => filter.Name)).toEqual(["START_DATE", "END_DATE", "SUBAID"]);
    expect(data!.Attributes!.map((attribute) => attribute.Name)).toEqual(["ActionId", "EventDate", "ProgramId", "Clicks", "Amount"]);
    expect((await client.GET("/Reports/{Id}/MetaData", { params: { path: { Id: "no_such_report" } } })).response.status).toBe(404);
  });

  it("is not there for a release whose spec does not document it (Partner v15)", async () => {
    const { response } = await partnerV15({ ...DEFAULT_ACCOUNT, baseUrl: sandbox.url }).GET("/Jobs/{JobId}", { params: { path: { JobId: "x" } }, fetch: (request: Request) => fetch(new Request(request.url.replace("/Jobs/x", "/Reports"), request)) });
    expect(response.status).toBe(404);
  });
});
