import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "./sandbox.js";
import { clientsFor, queuedJobId } from "./testing/support.js";

let sandbox: Sandbox;
let clients: ReturnType<typeof clientsFor>;

beforeAll(async () => {
  sandbox = await startSandbox({ clock: "manual", job: { queueMs: 1_000, runMs: 4_000, rows: 100 } });
  clients = clientsFor(sandbox);
});
afterAll(async () => {
  expect(sandbox.control.violations()).toEqual([]);
  await sandbox.close();
});

describe("every route of every flavor, through the generated clients", () => {
  it("partner-v15: ReportExport, ClickExport, list, get, download (302 and Stream), replay", async () => {
    const { partner } = clients;
    const report = await partner.GET("/ReportExport/{Id}", {
      params: { path: { Id: "mp_action_listing_fast" }, query: { START_DATE: "2026-11-01", END_DATE: "2026-11-24" } },
    });
    expect(report.response.status).toBe(200);
    expect(report.data).toMatchObject({ Status: "QUEUED", QueuedUri: expect.stringMatching(/^\/Mediapartners\/IRSANDBOX0001\/Jobs\/[0-9a-f-]{36}$/) });
    const clicks = await partner.GET("/ClickExport", { params: { query: { ProgramId: ["1234"], Date: "2026-11-24", ResultFormat: "JSON" } } });
    expect(clicks.data).toMatchObject({ Status: "QUEUED" });
    const reportId = queuedJobId(report.data);
    const clicksId = queuedJobId(clicks.data);

    const list = await partner.GET("/Jobs", { params: { query: { CreatedAfter: "2026-11-25", CreatedBefore: "2026-11-25" } } });
    expect(Array.isArray(list.data)).toBe(false);
    expect((list.data as { Jobs: Array<{ Id: string }> }).Jobs.map((job) => job.Id).sort()).toEqual([reportId, clicksId].sort());
    const none = await partner.GET("/Jobs", { params: { query: { CreatedAfter: "2026-11-26" } } });
    expect((none.data as { Jobs: unknown[] }).Jobs).toEqual([]);

    const queued = await partner.GET("/Jobs/{JobId}", { params: { path: { JobId: clicksId } } });
    expect(queued.data).toMatchObject({ Id: clicksId, Type: "ClickExport", Status: "QUEUED", ProgramId: "1234" });

    const early = await partner.GET("/Jobs/{JobId}/Download", { params: { path: { JobId: clicksId } } });
    expect(early.response.status).toBe(202);
    expect(early.data).toMatchObject({ Id: clicksId, Status: "QUEUED" });

    sandbox.control.advance(5_000);
    const redirect = await partner.GET("/Jobs/{JobId}/Download", {
      params: { path: { JobId: clicksId } },
      fetch: (request: Request) => fetch(request, { redirect: "manual" }),
      parseAs: "text",
    });
    expect(redirect.response.status).toBe(302);
    expect(redirect.response.headers.get("location")).toMatch(new RegExp(`^${sandbox.storageUrl}/results/${clicksId}\\?expires=\\d+&signature=`));

    const streamed = await partner.GET("/Jobs/{JobId}/Download", { params: { path: { JobId: clicksId }, query: { Mode: "Stream" } }, parseAs: "text" });
    expect(streamed.response.status).toBe(200);
    expect(streamed.response.headers.get("content-type")).toBe("application/json");
    expect(JSON.parse(streamed.data as string).Records).toHaveLength(100);

    const replay = await partner.PUT("/Jobs/{JobId}/Replay", { params: { path: { JobId: reportId } } });
    expect(replay.response.status).toBe(200);
    expect(replay.data).toMatchObject({ Type: "ApiReport", Status: "QUEUED" });
    expect(replay.data!.Id).not.toBe(reportId);
  });

  it("agency-v3: bare-array list, ReportExport, get, download, replay; no ClickExport", async () => {
    const { agency } = clients;
    const report = await agency.GET("/ReportExport/{ReportId}", {
      params: { path: { ReportId: "att_adv_performance_by_day_pm_only" }, query: { ResultFormat: "XML" } },
    });
    expect(report.data).toMatchObject({ Status: "QUEUED", QueuedUri: expect.stringMatching(/^\/Agencies\/IRSANDBOX0001\/Jobs\//) });
    const id = queuedJobId(report.data);
    const list = await agency.GET("/Jobs", {});
    expect(Array.isArray(list.data)).toBe(true);
    expect((list.data as Array<{ Id: string }>).map((job) => job.Id)).toEqual([id]);
    expect((await agency.GET("/Jobs/{JobId}", { params: { path: { JobId: id } } })).data).toMatchObject({ Id: id, Type: "ApiReport" });
    sandbox.control.advance(5_000);
    const streamed = await agency.GET("/Jobs/{JobId}/Download", { params: { path: { JobId: id }, query: { Mode: "Stream" } }, parseAs: "text" });
    expect(streamed.response.headers.get("content-type")).toBe("application/xml");
    expect(streamed.data).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<Records>/);
    expect((await agency.PUT("/Jobs/{JobId}/Replay", { params: { path: { JobId: id } } })).response.status).toBe(200);
    const clicks = await fetch(`${sandbox.url}/Agencies/IRSANDBOX0001/ClickExport`, {
      headers: { Authorization: `Basic ${Buffer.from("IRSANDBOX0001:sandbox-token").toString("base64")}` },
    });
    expect(clicks.status).toBe(404);
  });

  it("brand: program ClickExport, ReportExport, {Jobs} list, get, download, replay", async () => {
    const { brand } = clients;
    const clicks = await brand.GET("/Programs/{ProgramId}/ClickExport", { params: { path: { ProgramId: 777 }, query: { Date: "2026-11-24" } } });
    expect(clicks.data).toMatchObject({ Status: "QUEUED", ReplayUri: expect.stringMatching(/\/Replay$/) });
    const report = await brand.GET("/ReportExport/{ReportId_or_Handle}", { params: { path: { ReportId_or_Handle: "4222" }, query: { SUBAID: 777 } } });
    const id = queuedJobId(report.data);
    const job = await brand.GET("/Jobs/{JobId}", { params: { path: { JobId: id } } });
    expect(job.data).toMatchObject({ Id: id, ProgramId: "777", CreatedBy: "IRSANDBOX0001", ResultUri: `/Advertisers/IRSANDBOX0001/Jobs/${id}/Download` });
    expect(((await brand.GET("/Jobs", {})).data as { Jobs: unknown[] }).Jobs).toHaveLength(2);
    const created = Date.parse(job.data!.CreatedDate!);
    const listed = async (query: { CreatedAfter?: string; CreatedBefore?: string }) =>
      ((await brand.GET("/Jobs", { params: { query } })).data as { Jobs: unknown[] } | undefined)?.Jobs.length;
    expect(await listed({ CreatedAfter: new Date(created).toISOString(), CreatedBefore: new Date(created).toISOString() })).toBe(2);
    expect(await listed({ CreatedAfter: new Date(created + 1_000).toISOString() })).toBe(0);
    const bareDay = await brand.GET("/Jobs", { params: { query: { CreatedAfter: "2026-11-25" } } });
    expect(bareDay.error).toMatchObject({ Errors: [{ Field: "CreatedAfter" }] });
    sandbox.control.advance(5_000);
    const streamed = await brand.GET("/Jobs/{JobId}/Download", { params: { path: { JobId: id }, query: { Mode: "Stream" } }, parseAs: "text" });
    expect((streamed.data as string).split("\n")[0]).toBe("ActionId,EventDate,ProgramId,Clicks,Amount");
    expect((await brand.PUT("/Jobs/{JobId}/Replay", { params: { path: { JobId: id } } })).data).toMatchObject({ Status: "QUEUED" });
  });

  it("answers unknown paths 404 and wrong methods 405 with the error envelope", async () => {
    const auth = { Authorization: `Basic ${Buffer.from("IRSANDBOX0001:sandbox-token").toString("base64")}`, Accept: "application/json" };
    const missing = await fetch(`${sandbox.url}/Mediapartners/IRSANDBOX0001/Nope`, { headers: auth });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ Status: "ERROR" });
    const wrong = await fetch(`${sandbox.url}/Mediapartners/IRSANDBOX0001/Jobs`, { method: "DELETE", headers: auth });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("GET");
  });
});
