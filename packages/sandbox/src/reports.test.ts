import { createClient as agencyV3 } from "@impactkit/agency-v3";
import { createClient as brand } from "@impactkit/brand";
import { createClient as partnerV15, SPEC as PARTNER_V15 } from "@impactkit/partner-v15";
import { createClient as partnerV16 } from "@impactkit/partner-v16";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ACCOUNT } from "./accounts.js";
import { FLAVORS } from "./flavors.js";
import { DEFAULT_REPORTS, UI_ONLY_REPORT } from "./report-catalogue.js";
import { startSandbox, type Sandbox } from "./sandbox.js";
import { API_HEADERS } from "./testing/support.js";

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
    expect(reports.find((report) => report.Id === "mp_action_listing_fast")).toMatchObject({
      DeferredApiRunUri: `/Mediapartners/${DEFAULT_ACCOUNT.accountSid}/ReportExport/mp_action_listing_fast`,
    });
    expect(reports.find((report) => !report.ApiAccessible)).toMatchObject({ Id: UI_ONLY_REPORT, RunUri: expect.stringMatching(/^\/secure\//) });
  });

  it("describes a report: its filters (the spec's required dates, SUBAID) and its columns; 404 for one it does not have", async () => {
    const client = partnerV16({ ...DEFAULT_ACCOUNT, baseUrl: sandbox.url });
    const { data } = await client.GET("/Reports/{Id}/MetaData", { params: { path: { Id: "mp_action_listing_fast" } } });
    expect(data!.Filters!.map((filter) => filter.Name)).toEqual(["START_DATE", "END_DATE", "SUBAID"]);
    expect(data!.Attributes!.map((attribute) => attribute.Name)).toEqual(["ActionId", "EventDate", "ProgramId", "Clicks", "Amount"]);
    expect((await client.GET("/Reports/{Id}/MetaData", { params: { path: { Id: "no_such_report" } } })).response.status).toBe(404);
  });

  it("serves each flavor's own shape: {Reports} for partner v15 and brand, a bare array for agency, the metadata under {Id} or {ReportId}", async () => {
    const v15 = partnerV15({ ...DEFAULT_ACCOUNT, baseUrl: sandbox.url });
    expect((await v15.GET("/Reports")).data!.Reports!.filter((report) => report.ApiAccessible)).toHaveLength(DEFAULT_REPORTS.length);
    expect((await v15.GET("/Reports/{Id}/MetaData", { params: { path: { Id: "mp_action_listing_fast" } } })).data).toMatchObject({
      Id: "mp_action_listing_fast",
    });
    const agency = agencyV3({ ...DEFAULT_ACCOUNT, baseUrl: sandbox.url });
    expect(Array.isArray((await agency.GET("/Reports")).data)).toBe(true);
    expect((await agency.GET("/Reports/{ReportId}/MetaData", { params: { path: { ReportId: DEFAULT_REPORTS[0]! } } })).response.status).toBe(200);
    const brands = brand({ ...DEFAULT_ACCOUNT, baseUrl: sandbox.url });
    expect((await brands.GET("/Reports")).data!.Reports).toHaveLength(DEFAULT_REPORTS.length + 1);
    expect((await brands.GET("/Reports/{ReportId}/MetaData", { params: { path: { ReportId: DEFAULT_REPORTS[0]! } } })).response.status).toBe(200);
  });
});

describe("a release whose spec documents no report discovery", () => {
  it("answers 404 to GET /Reports and its metadata", async () => {
    const v15 = FLAVORS.find((flavor) => flavor.id === "partner-v15")!;
    const {
      ["/Mediapartners/{AccountSID}/Reports"]: _list,
      ["/Mediapartners/{AccountSID}/Reports/{Id}/MetaData"]: _metadata,
      ...paths
    } = v15.document()["paths"] as Record<string, unknown>;
    const spec = { ...PARTNER_V15, apiVersion: "99", traits: { ...PARTNER_V15.traits, reportDiscovery: null } };
    const bare = await startSandbox({ clock: "manual", flavors: [{ id: "partner-v99", spec, document: { ...v15.document(), paths } }] });
    try {
      const account = `${bare.url}/Mediapartners/${DEFAULT_ACCOUNT.accountSid}`;
      const headers = { ...API_HEADERS, "IR-Version": "99" };
      expect((await fetch(`${account}/Reports`, { headers })).status).toBe(404);
      expect((await fetch(`${account}/Reports/mp_action_listing_fast/MetaData`, { headers })).status).toBe(404);
      expect((await partnerV15({ ...DEFAULT_ACCOUNT, baseUrl: bare.url }).GET("/Reports")).response.status).toBe(200);
    } finally {
      await bare.close();
    }
  });
});
