import { DEFAULT_REPORTS, startSandbox, type Sandbox } from "@impactkit/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createJobs } from "../api/create-jobs.js";
import { InvalidArgumentError, ProtocolError } from "../base/errors.js";
import { rejection, sendJson, startFakeApi } from "../testing.js";
import { SLOW_MACHINE_MS, clientsFor, hostileClient } from "../testing/clients.fixture.js";

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ clock: "manual" });
});
afterAll(async () => {
  expect(sandbox.control.violations()).toEqual([]);
  await sandbox.close();
});

const jobsOf = (client: ReturnType<typeof clientsFor>[keyof ReturnType<typeof clientsFor>]) =>
  createJobs(client as never, { timing: sandbox.control.timers(), requestTimeoutMs: SLOW_MACHINE_MS });

describe("report discovery", () => {
  it("lists the account's reports and describes one's filters and columns (Partner v16)", async () => {
    const jobs = jobsOf(clientsFor(sandbox).partnerV16);
    const reports = await jobs.reports();
    expect(reports.filter((report) => report.ApiAccessible).map((report) => report.Id)).toEqual([...DEFAULT_REPORTS]);
    expect(reports.some((report) => !report.ApiAccessible)).toBe(true);
    const metadata = await jobs.reportMetadata("mp_action_listing_fast");
    expect(metadata.Filters.map((filter) => filter.Name)).toEqual(["START_DATE", "END_DATE", "SUBAID"]);
    expect(metadata.Attributes.map((attribute) => attribute.Name)).toContain("ActionId");
  });

  it("reads every flavor's own shape: a bare array (agency), the metadata under {ReportId} (agency, brand)", async () => {
    for (const client of [clientsFor(sandbox).partner, clientsFor(sandbox).agency, clientsFor(sandbox).brand]) {
      const jobs = jobsOf(client);
      expect((await jobs.reports()).filter((report) => report.ApiAccessible).map((report) => report.Id)).toEqual([...DEFAULT_REPORTS]);
      expect((await jobs.reportMetadata("mp_action_listing_fast")).Filters.length).toBeGreaterThan(0);
    }
  });

  it("refuses, before any request, a release whose spec documents none, and a report id that is not one", async () => {
    sandbox.control.clearRequests();
    const partner = clientsFor(sandbox).partner;
    const undocumented = Object.assign(Object.create(partner) as typeof partner, {
      spec: { ...partner.spec, traits: { ...partner.spec.traits, reportDiscovery: null } },
    });
    const error = await rejection(jobsOf(undocumented).reports());
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toBe("the impact.com Partner API v15 documents no report discovery (GET /Reports)");
    await expect(jobsOf(clientsFor(sandbox).partnerV16).reportMetadata("../x")).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(sandbox.control.requests()).toEqual([]);
  });

  it("a list that is no list is a ProtocolError, after the retries malformed bodies get", async () => {
    const server = await startFakeApi((_request, response) => sendJson(response, 200, JSON.stringify({ Reports: "none" })));
    try {
      const { SPEC } = await import("@impactkit/partner-v16");
      const client = Object.assign(hostileClient(server.url), { spec: SPEC });
      const error = await rejection(
        createJobs(client as never, { retries: 1, policy: { firstDelayMs: 1, minDelayMs: 1, maxDelayMs: 1, jitter: 0 } }).reports(),
      );
      expect(error).toBeInstanceOf(ProtocolError);
      expect(server.seen).toHaveLength(2);
    } finally {
      await server.close();
    }
  });
});
