import { startSandbox, type Sandbox } from "@impactkit/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InvalidArgumentError, NotFoundError } from "../base/errors.js";
import { createJobs } from "../api/create-jobs.js";
import { rejection } from "../testing.js";
import { clientsFor } from "../testing/clients.fixture.js";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ clock: "manual" });
});
afterAll(async () => {
  await sandbox.close();
});

const jobs = () => createJobs(clientsFor(sandbox).partner, { timing: sandbox.control.timers() });
const sent = () => sandbox.control.requests("api").length;

describe("checkReportExport", () => {
  it("names a parameter the spec requires left out, before any request", async () => {
    const before = sent();
    const error = await rejection(jobs().checkReportExport("mp_action_listing_fast", { START_DATE: "2026-11-01" } as never));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ option: "END_DATE", message: "ReportExport mp_action_listing_fast needs END_DATE" });
    expect(sent()).toBe(before);
  });

  it("reads the report's filters: a typo is named, a parameter the spec gives ReportExport is none; metadata: false leaves them out", async () => {
    const params = { START_DATE: "2026-11-01", END_DATE: "2026-11-01", ResultFormat: "CSV", SUBAIDD: "7" };
    const typo = await rejection(jobs().checkReportExport("mp_action_listing_fast", params as never));
    expect(typo).toMatchObject({
      option: "SUBAIDD",
      message: "SUBAIDD is not a filter of report mp_action_listing_fast; its filters are START_DATE, END_DATE, SUBAID",
    });
    const before = sent();
    await expect(jobs().checkReportExport("mp_action_listing_fast", params as never, { metadata: false })).resolves.toBeUndefined();
    expect(sent()).toBe(before);
    await expect(
      jobs().checkReportExport("mp_action_listing_fast", { START_DATE: "2026-11-01", END_DATE: "2026-11-01", SUBAID: "7" } as never),
    ).resolves.toBeUndefined();
  });

  it("finds a report that does not exist", async () => {
    const error = await rejection(jobs().checkReportExport("no_such_report", { START_DATE: "2026-11-01", END_DATE: "2026-11-01" } as never));
    expect(error).toBeInstanceOf(NotFoundError);
  });
});
