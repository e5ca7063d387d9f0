import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { manualDriver, startSandbox, type Sandbox } from "@impactkit/sandbox";
import { MCP_TOOLS } from "@impactkit/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createImpactMcpServer } from "./index.js";
import { connect } from "./testing/connect.js";
import { FLAVORS } from "./testing/flavors.js";

const ACCOUNT = { accountSid: "IRMCPTEST01", authToken: "mcp-token-Secret-4Kq" };
const BASIC = Buffer.from(`${ACCOUNT.accountSid}:${ACCOUNT.authToken}`).toString("base64");
let sandbox: Sandbox;
let dir: string;
const received: string[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ accounts: [ACCOUNT], clock: { timeScale: 1_000 }, job: { queueMs: 0, runMs: 60_000, rows: 200 } });
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "impactkit-mcp-"));
  sandbox.control.clearFaults();
});
afterAll(async () => {
  // No credential, Authorization value or signed URL in any result, notification or error.
  expect(received.length).toBeGreaterThan(50);
  for (const message of received) {
    expect(message).not.toContain(ACCOUNT.authToken);
    expect(message).not.toContain(BASIC);
    expect(message).not.toMatch(/[?&](X-Amz-|Signature=|sig=|token=)/i);
  }
  expect(sandbox.control.violations()).toEqual([]);
  await sandbox.close();
});

/** A server for `flavor`'s account on the sandbox (or `on`, through `fetch`), its client, and a `call` that returns the tool's result. */
async function serve(flavor: (typeof FLAVORS)[number], options: { maxWaitMs?: number; on?: Sandbox; fetch?: (request: Request) => Promise<Response> } = {}) {
  const { on = sandbox, fetch, ...serverOptions } = options;
  // The sandbox's clock runs 1,000 times faster: a request may take longer than 30 s of it on a loaded machine.
  const jobs = flavor.jobs({ ...ACCOUNT, baseUrl: on.url, ...(fetch ? { fetch } : {}) }, { timing: on.control.timers(), requestTimeoutMs: 3_600_000 });
  const connection = await connect(createImpactMcpServer({ accounts: { [flavor.api]: jobs }, directory: dir, ...serverOptions }));
  const call = async (name: string, args: Record<string, unknown>, extra: Parameters<typeof connection.client.callTool>[2] = {}) => {
    const result = (await connection.client.callTool({ name, arguments: args }, undefined, extra)) as CallToolResult;
    received.push(...connection.received.splice(0));
    return result;
  };
  return { ...connection, call, jobs };
}
/** A tool's structured answer; a tool error fails the test with its text. */
const data = (result: CallToolResult) => {
  expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
  return result.structuredContent as Record<string, any>;
};
const text = (result: CallToolResult) => (result.content[0] as { text: string }).text;

describe.each(FLAVORS)("$api", (flavor) => {
  it("discover → export → wait (with progress) → download → preview → summarise, and the budget", async () => {
    const { call, client, close } = await serve(flavor);
    sandbox.control.clearRequests();
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(MCP_TOOLS);
    expect(tools.find((tool) => tool.name === "job_status")!.annotations).toMatchObject({ readOnlyHint: true, idempotentHint: true });
    const reports = data(await call("list_reports", {}));
    expect(reports["reports"].map((report: { Id: string }) => report.Id)).toContain(flavor.report);
    const described = data(await call("describe_report", { reportId: flavor.report }));
    expect(described["columns"].length).toBeGreaterThan(0);

    const exported = await call("export_report", { reportId: flavor.report, params: flavor.params });
    expect(exported.isError).toBeFalsy();
    const { jobId, reused } = data(exported);
    expect(reused).toBe(false);
    const progress: number[] = [];
    const waited = data(await call("wait_for_job", { jobId }, { onprogress: (event) => void progress.push(event.progress) }));
    expect(waited).toMatchObject({ finished: true, job: { Id: jobId, Status: "COMPLETED" } });
    expect(progress.length).toBeGreaterThan(0);
    expect(data(await call("job_status", { jobId }))).toMatchObject({ job: { Id: jobId, Status: "COMPLETED", PercentageComplete: 100 } });

    const saved = data(await call("download_result", { jobId, fileName: `out/${flavor.api}.csv` }));
    expect(saved["path"]).toBe(join("out", `${flavor.api}.csv`));
    expect(readFileSync(join(dir, saved["path"])).length).toBe(saved["bytes"]);
    expect(saved["bytes"]).toBe((await sandbox.control.result(jobId)).size);
    const again = await call("download_result", { jobId, fileName: `out/${flavor.api}.csv` });
    expect(again.isError).toBe(true);
    expect(text(again)).toContain("exists; pass overwrite: true");
    expect(data(await call("download_result", { jobId, fileName: `out/${flavor.api}.csv`, overwrite: true }))["bytes"]).toBe(saved["bytes"]);

    const preview = data(await call("preview_result", { jobId, rows: 3 }));
    expect(preview["rows"]).toHaveLength(3);
    expect(preview["columns"].length).toBe(preview["rows"][0].length);
    expect(preview["columns"].some((column: { type: string }) => column.type === "number" || column.type === "date")).toBe(true);
    const summary = data(await call("summarize_result", { jobId }));
    expect(summary["rows"]).toBe(200);
    const ranged = summary["columns"].find((column: { type: string }) => column.type === "number");
    expect(ranged.min).toBeLessThanOrEqual(ranged.max);
    // describe_report, export_report's check and the column types shared one metadata request.
    expect(sandbox.control.requests("api").filter((request) => request.path.endsWith("/MetaData"))).toHaveLength(1);

    // An identical export gives the same job again: no request, no quota.
    sandbox.control.clearRequests();
    expect(data(await call("export_report", { reportId: flavor.report, params: flavor.params }))).toMatchObject({ jobId, reused: true });
    expect(sandbox.control.requests()).toEqual([]);
    // The flavor's daily quota (its counts, at the sandbox's pace, are checked on the manual clock below).
    const budget = data(await call("budget", {}));
    if (flavor.api !== "agency-v3") expect(budget["exportsLeftToday"]["ReportExport"]).toMatchObject({ limit: 100 });
    else expect(budget["exportsLeftToday"]["ReportExport"]).toBeNull();
    await close();
  });

  it("a wrong report id is a tool error naming it, and nothing is scheduled", async () => {
    const { call, close } = await serve(flavor);
    sandbox.control.clearRequests();
    const result = await call("export_report", { reportId: "no_such_report", params: flavor.params });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain("no_such_report");
    expect(text(result)).not.toMatch(/\n\s+at /);
    expect(sandbox.control.requests().filter((request) => request.path.includes("ReportExport"))).toEqual([]);
    await close();
  });
});

describe("the other paths through the tools", () => {
  it("list_reports narrows to a search; brand's export_clicks takes programId; a JSON result previews typed", async () => {
    const partner = await serve(FLAVORS[0]);
    const found = data(await partner.call("list_reports", { search: "ACTION_LISTING" }))["reports"] as Array<{ Id: string; Name: string | null }>;
    expect(found.map((report) => report.Id)).toContain("mp_action_listing_fast");
    for (const report of found) expect(`${report.Id} ${report.Name}`.toLowerCase()).toContain("action_listing");
    const all = data(await partner.call("list_reports", {}))["reports"] as unknown[];
    expect(found.length).toBeLessThan(all.length);
    const json = data(
      await partner.call("export_report", { reportId: FLAVORS[0].report, params: { ...FLAVORS[0].params, SUBAID: "json" }, resultFormat: "JSON" }),
    );
    const preview = data(await partner.call("preview_result", { jobId: json["jobId"], rows: 2 }));
    expect(preview["rows"]).toHaveLength(2);
    expect(preview["columns"].some((column: { type: string }) => column.type === "number")).toBe(true);
    await partner.close();

    const brand = await serve(FLAVORS[3]);
    sandbox.control.clearRequests();
    expect(data(await brand.call("export_clicks", { date: "2026-11-11", programId: "4222" }))).toMatchObject({ reused: false });
    expect(sandbox.control.requests("api").map((request) => request.path)).toEqual([expect.stringMatching(/\/Programs\/4222\/ClickExport$/)]);
    await brand.close();
  });

  it("a download folder reached through a symbolic link gives back paths inside it", async () => {
    const linked = `${dir}-link`;
    symlinkSync(dir, linked);
    try {
      const jobs = FLAVORS[0].jobs({ ...ACCOUNT, baseUrl: sandbox.url }, { timing: sandbox.control.timers(), requestTimeoutMs: 3_600_000 });
      const { client, close, received: pending } = await connect(createImpactMcpServer({ accounts: { only: jobs }, directory: linked }));
      const call = async (name: string, args: Record<string, unknown>) => (await client.callTool({ name, arguments: args })) as CallToolResult;
      const { jobId } = data(await call("export_report", { reportId: FLAVORS[0].report, params: { ...FLAVORS[0].params, SUBAID: "linked" } }));
      expect(data(await call("download_result", { jobId, fileName: "linked.csv" }))["path"]).toBe("linked.csv");
      expect(readdirSync(dir)).toContain("linked.csv");
      received.push(...pending.splice(0));
      await close();
    } finally {
      rmSync(linked);
    }
  });

  it("refuses a download folder that does not exist, naming it", () => {
    const jobs = FLAVORS[0].jobs({ ...ACCOUNT, baseUrl: sandbox.url }, {});
    expect(() => createImpactMcpServer({ accounts: { only: jobs }, directory: join(dir, "missing") })).toThrow(/^directory .*missing does not exist/);
  });
});

describe("the download folder", () => {
  it("refuses names that lead outside it: .., absolute paths, symbolic links out — before any request", async () => {
    const { call, close } = await serve(FLAVORS[0]);
    const outside = mkdtempSync(join(tmpdir(), "impactkit-mcp-outside-"));
    symlinkSync(outside, join(dir, "link"));
    mkdirSync(join(dir, "inner"));
    symlinkSync(join(outside, "target.csv"), join(dir, "inner", "file.csv"));
    sandbox.control.clearRequests();
    const jobId = "d8807a9f-a5ee-4e3f-ad2b-3dfd19d1915f";
    for (const [fileName, reason] of [
      ["../escape.csv", /leads out of the download folder/],
      ["inner/../../escape.csv", /leads out of the download folder/],
      [join(outside, "abs.csv"), /absolute path/],
      ["link/x.csv", /symbolic link out of the download folder/],
      ["link/new/deeper/x.csv", /symbolic link out of the download folder/],
      ["inner/file.csv", /symbolic link/],
    ] as const) {
      const result = await call("download_result", { jobId, fileName });
      expect(result.isError, fileName).toBe(true);
      expect(text(result)).toMatch(reason);
    }
    expect(sandbox.control.requests()).toEqual([]);
    // Nothing was created through the link either.
    expect(readdirSync(outside)).toEqual([]);
    rmSync(outside, { recursive: true, force: true });
    await close();
  });
});

describe("the budget", () => {
  it("a ClickExport over the daily quota is a tool error before any request, saying what to do", async () => {
    // On the manual clock no day of the sandbox ends between the 10th export and the 11th, however loaded the machine.
    const manual = await startSandbox({ accounts: [ACCOUNT], clock: "manual" });
    const driver = manualDriver(manual);
    const { call, close, received: pending } = await serve(FLAVORS[0], { on: manual, fetch: driver.fetch });
    for (let day = 1; day <= 10; day += 1)
      expect((await driver.drive(call("export_clicks", { date: `2026-11-${String(day).padStart(2, "0")}` }))).isError).toBeFalsy();
    expect(data(await driver.drive(call("budget", {})))["exportsLeftToday"]["ClickExport"]).toMatchObject({ limit: 10, left: 0 });
    manual.control.clearRequests();
    const refused = await driver.drive(call("export_clicks", { date: "2026-11-11" }));
    expect(refused.isError).toBe(true);
    expect(text(refused)).toMatch(/ClickExport/);
    expect(text(refused)).toMatch(/budget tool/);
    expect(manual.control.requests()).toEqual([]);
    received.push(...pending.splice(0));
    await close();
    await manual.close();
  });

  it("brand's ClickExport without programId names the argument", async () => {
    const { call, close } = await serve(FLAVORS[3]);
    const refused = await call("export_clicks", { date: "2026-11-11" });
    expect(refused.isError).toBe(true);
    expect(text(refused)).toContain("programId");
    await close();
  });
});

describe("identical exports", () => {
  it("reuse a running job, but not one that ended without a result: the next identical export schedules anew", async () => {
    const { call, close } = await serve(FLAVORS[0]);
    const request = { reportId: FLAVORS[0].report, params: { ...FLAVORS[0].params, SUBAID: "failing" } };
    sandbox.control.planNext({ outcome: "FAILED" });
    const { jobId } = data(await call("export_report", request));
    expect(data(await call("export_report", request))).toMatchObject({ jobId, reused: true });
    const failed = await call("wait_for_job", { jobId });
    expect(failed.isError).toBe(true);
    expect(text(failed)).toContain("FAILED");
    const again = data(await call("export_report", request));
    expect(again["reused"]).toBe(false);
    await close();
  });
});

describe("wait_for_job", () => {
  it("returns where the job stands when its time is up, and a cancelled wait sends no request after it", async () => {
    // On the manual clock a request takes no sandbox time, however loaded the machine: the deadline finds a
    // running job, never a silent API, and the clock moves only when the test says.
    const manual = await startSandbox({ accounts: [ACCOUNT], clock: "manual", job: { queueMs: 0, runMs: 3_600_000_000, rows: 1 } });
    const driver = manualDriver(manual);
    const { call, client, close, received: pending } = await serve(FLAVORS[0], { on: manual, fetch: driver.fetch, maxWaitMs: 60_000 });
    const { jobId } = data(await driver.drive(call("export_report", { reportId: FLAVORS[0].report, params: FLAVORS[0].params })));
    // The budget as the last answer gave it: on this clock no hour or day ends between the export and the question.
    const budget = data(await driver.drive(call("budget", {})));
    expect(budget["measured"]).toBe(true);
    expect(budget["requestsLeftThisHour"]).toBeGreaterThan(0);
    expect(budget["exportsLeftToday"]["ReportExport"]).toMatchObject({ limit: 100, left: 99 });
    // Bounded by the call, then by the server's cap, whichever is shorter.
    for (const [maxSeconds, bound] of [
      [10, 10_000],
      [3_600, 60_000],
    ] as const) {
      const started = manual.control.clock.now();
      const bounded = data(await driver.drive(call("wait_for_job", { jobId, maxSeconds })));
      expect(bounded).toMatchObject({ finished: false, job: { Id: jobId, Status: "RUNNING" } });
      expect(manual.control.clock.now() - started).toBe(bound);
    }

    const checks = () => manual.control.requests("api").filter((request) => request.path.endsWith(jobId) || request.path.endsWith("/Jobs")).length;
    const before = checks();
    const controller = new AbortController();
    const waiting = client.callTool({ name: "wait_for_job", arguments: { jobId } }, undefined, { signal: controller.signal });
    // The wait has checked the job and sleeps until its next check.
    await driver.quiet();
    await manual.control.nextTimer();
    expect(checks()).toBeGreaterThan(before);
    const atAbort = checks();
    controller.abort();
    await expect(waiting).rejects.toThrow();
    await driver.quiet();
    // An hour of the sandbox's time, many polls' worth were the wait still running, sees no other check.
    for (let minute = 0; minute < 60; minute += 1) {
      manual.control.advance(60_000);
      await driver.quiet();
    }
    expect(checks()).toBe(atAbort);
    received.push(...pending.splice(0));
    await close();
    expect(manual.control.violations()).toEqual([]);
    await manual.close();
  });
});
