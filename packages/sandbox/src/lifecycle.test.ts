import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_START } from "./clock.js";
import { startSandbox, type Sandbox } from "./sandbox.js";
import { clientsFor, queuedJobId } from "./testing/support.js";

let sandbox: Sandbox;
let partner: ReturnType<typeof clientsFor>["partner"];

beforeAll(async () => {
  sandbox = await startSandbox({ clock: "manual", job: { queueMs: 1_000, runMs: 4_000, rows: 1_000 } });
  partner = clientsFor(sandbox).partner;
});
afterAll(async () => {
  expect(sandbox.control.violations()).toEqual([]);
  await sandbox.close();
});

async function exportReport(day: string): Promise<string> {
  const { data } = await partner.GET("/ReportExport/{Id}", { params: { path: { Id: "mp_action_listing_fast" }, query: { START_DATE: day, END_DATE: day } } });
  return queuedJobId(data);
}
const job = async (id: string) => (await partner.GET("/Jobs/{JobId}", { params: { path: { JobId: id } } })).data!;

describe("job lifecycle on the manual clock", () => {
  it("QUEUED → RUNNING with advancing progress → COMPLETED, with the dates the wire sends", async () => {
    const id = await exportReport("2026-11-01");
    expect(await job(id)).toMatchObject({
      Status: "QUEUED",
      PercentageComplete: "0",
      RecordsProcessed: "0",
      StartedDate: "",
      CompletedDate: "",
      Replayable: "true",
    });
    sandbox.control.advance(2_000);
    const running = await job(id);
    expect(running).toMatchObject({ Status: "RUNNING", PercentageComplete: "25", RecordsProcessed: "250" });
    expect(running.StartedDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/);
    sandbox.control.advance(2_000);
    expect(await job(id)).toMatchObject({ Status: "RUNNING", PercentageComplete: "75", RecordsProcessed: "750" });
    sandbox.control.advance(1_000);
    const done = await job(id);
    expect(done).toMatchObject({ Status: "COMPLETED", PercentageComplete: "100", RecordsProcessed: "1000" });
    expect(Date.parse(done.CompletedDate!) - Date.parse(done.StartedDate!)).toBe(4_000);
  });

  it("ERROR is retried after 15 minutes, and after the last failure the job is FAILED", async () => {
    sandbox.control.planNext({ errors: 2, outcome: "FAILED" });
    const id = await exportReport("2026-11-02");
    sandbox.control.advance(5_000);
    expect(await job(id)).toMatchObject({ Status: "ERROR", FailedDate: expect.stringMatching(/\+00:00$/) });
    sandbox.control.advance(15 * 60_000 + 1_000);
    expect(await job(id)).toMatchObject({ Status: "RUNNING" });
    sandbox.control.advance(3_000);
    expect(await job(id)).toMatchObject({ Status: "FAILED", StatusMessage: "Job failed after repeated errors" });
    const download = await partner.GET("/Jobs/{JobId}/Download", { params: { path: { JobId: id } } });
    expect(download.response.status).toBe(404);
    expect(download.error).toMatchObject({ Message: "The job has no result: it is FAILED." });
  });

  it("CANCELLED is set by control", async () => {
    const id = await exportReport("2026-11-03");
    sandbox.control.advance(2_000);
    sandbox.control.cancel(id);
    expect(await job(id)).toMatchObject({ Status: "CANCELLED", CancelledDate: expect.stringMatching(/\+00:00$/), CompletedDate: "" });
    sandbox.control.advance(60_000);
    expect(sandbox.control.job(id).state.status).toBe("CANCELLED");
  });

  it("returns the existing job for an identical export request, a new one for different parameters", async () => {
    const first = await exportReport("2026-11-04");
    expect(await exportReport("2026-11-04")).toBe(first);
    expect(await exportReport("2026-11-05")).not.toBe(first);
  });

  it("replays a terminal job as a new job with the same parameters; 403 while it runs", async () => {
    const id = await exportReport("2026-11-06");
    const refused = await partner.PUT("/Jobs/{JobId}/Replay", { params: { path: { JobId: id } } });
    expect(refused.response.status).toBe(403);
    expect(refused.error).toEqual({ Status: "ERROR", Message: "The job is not in a replayable state: it is still QUEUED or RUNNING." });
    sandbox.control.advance(5_000);
    const replay = await partner.PUT("/Jobs/{JobId}/Replay", { params: { path: { JobId: id } } });
    expect(replay.response.status).toBe(200);
    const replayed = sandbox.control.job(replay.data!.Id!);
    expect(replayed.job).toMatchObject({ replayOf: id, params: sandbox.control.job(id).job.params, source: "mp_action_listing_fast" });
    expect(replayed.state.status).toBe("QUEUED");
  });

  it("refuses to replay a job whose type is not replayable", async () => {
    sandbox.control.planNext({ replayable: false });
    const id = await exportReport("2026-11-07");
    sandbox.control.advance(5_000);
    expect(await job(id)).toMatchObject({ Status: "COMPLETED", Replayable: "false" });
    const refused = await partner.PUT("/Jobs/{JobId}/Replay", { params: { path: { JobId: id } } });
    expect(refused.response.status).toBe(403);
    expect(refused.error).toEqual({ Status: "ERROR", Message: "The job is not of a replayable type." });
  });

  it("runs a 10-minute job in well under a second with a time scale", async () => {
    const before = performance.now();
    const fast = await startSandbox({ clock: { timeScale: 6_000 }, job: { queueMs: 0, runMs: 600_000 } });
    try {
      const client = clientsFor(fast).brand;
      const { data } = await client.GET("/ReportExport/{ReportId_or_Handle}", { params: { path: { ReportId_or_Handle: "4222" } } });
      const id = queuedJobId(data);
      await new Promise((resolve) => setTimeout(resolve, 150));
      const { data: job } = await client.GET("/Jobs/{JobId}", { params: { path: { JobId: id } } });
      expect(job).toMatchObject({ Status: "COMPLETED" });
      // Its time starts at SANDBOX_START, not at the machine's date: the job was created between SANDBOX_START and
      // now on the sandbox's clock, which has run no more than 6,000 times the real time since it was started.
      const now = fast.control.clock.now();
      const created = Date.parse((job as { CreatedDate: string }).CreatedDate);
      expect(created).toBeGreaterThanOrEqual(SANDBOX_START);
      expect(created).toBeLessThanOrEqual(now);
      expect(now - SANDBOX_START).toBeLessThanOrEqual((performance.now() - before) * 6_000 + 1_000);
    } finally {
      await fast.close();
    }
  });

  it("a scaled clock starts where it is told", async () => {
    const later = await startSandbox({ clock: { timeScale: 1, start: new Date("2031-02-28T23:59:59Z") } });
    try {
      const client = clientsFor(later).brand;
      const { data } = await client.GET("/ReportExport/{ReportId_or_Handle}", { params: { path: { ReportId_or_Handle: "4222" } } });
      const { data: job } = await client.GET("/Jobs/{JobId}", { params: { path: { JobId: queuedJobId(data) } } });
      expect((job as { CreatedDate: string }).CreatedDate).toMatch(/^(2031-02-28T23:59:59|2031-03-01T00:00:0\d)\+00:00$/);
    } finally {
      await later.close();
    }
  });
});
