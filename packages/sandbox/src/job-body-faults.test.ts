import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "./sandbox.js";
import { API_HEADERS, completedJob } from "./testing/support.js";

let sandbox: Sandbox;
let jobId: string;

beforeAll(async () => {
  sandbox = await startSandbox({ clock: "manual", job: { queueMs: 0, runMs: 1_000, rows: 10 } });
  jobId = await completedJob(sandbox);
});
afterAll(async () => {
  expect(sandbox.control.violations()).toEqual([]);
  await sandbox.close();
});

const jobUrl = () => `${sandbox.url}/Mediapartners/IRSANDBOX0001/Jobs/${jobId}`;
const listUrl = () => `${sandbox.url}/Mediapartners/IRSANDBOX0001/Jobs`;

describe("non-job-body", () => {
  it.each([[null], [[]], [{}], ["COMPLETED"]] as const)("answers getJob and listJobs 200 with %j (not counted as a violation)", async (body) => {
    for (const url of [jobUrl(), listUrl()]) {
      sandbox.control.inject({ route: url === listUrl() ? "listJobs" : "getJob", fault: { kind: "non-job-body", body } });
      const response = await fetch(url, { headers: API_HEADERS });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
      expect(await response.text()).toBe(JSON.stringify(body));
    }
  });

  it("sends null when no body is given", async () => {
    sandbox.control.inject({ route: "getJob", fault: { kind: "non-job-body" } });
    expect(await (await fetch(jobUrl(), { headers: API_HEADERS })).text()).toBe("null");
  });
});

describe("status-case", () => {
  it("sends a Job's Status in lower case by default, or in title case, in getJob and in listJobs", async () => {
    sandbox.control.inject({ route: "getJob", fault: { kind: "status-case" } });
    expect(await (await fetch(jobUrl(), { headers: API_HEADERS })).json()).toMatchObject({ Id: jobId, Status: "completed" });
    sandbox.control.inject({ route: "listJobs", fault: { kind: "status-case", case: "title" } });
    const { Jobs } = (await (await fetch(listUrl(), { headers: API_HEADERS })).json()) as { Jobs: Array<{ Status: string }> };
    expect(Jobs.map((job) => job.Status)).toEqual(["Completed"]);
    expect(await (await fetch(jobUrl(), { headers: API_HEADERS })).json()).toMatchObject({ Status: "COMPLETED" });
  });

  it("leaves an error envelope's Status alone", async () => {
    sandbox.control.inject({ route: "getJob", fault: { kind: "status-case" } });
    const missing = await fetch(`${sandbox.url}/Mediapartners/IRSANDBOX0001/Jobs/00000000-0000-4000-8000-000000000000`, { headers: API_HEADERS });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ Status: "ERROR" });
  });
});
