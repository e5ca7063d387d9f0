import { afterEach, describe, expect, it } from "vitest";
import { createJobs } from "../api/create-jobs.js";
import { type FakeApi, JOB_ID, jobBody, sendJson, startFakeApi } from "../testing.js";
import { hostileClient } from "../testing/clients.fixture.js";

let server: FakeApi | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A server whose Jobs carry `extra` fields, as one speaking another API version might. */
async function jobsAnswering(extra: Record<string, string>) {
  server = await startFakeApi((request, response) => {
    if ((request.url ?? "").includes(`/Jobs/${JOB_ID}`)) return sendJson(response, 200, jobBody("COMPLETED", extra));
    sendJson(response, 200, { Jobs: [jobBody("RUNNING", extra)] });
  });
  const warnings: Array<{ message: string; details: Record<string, unknown> | undefined }> = [];
  const jobs = createJobs(hostileClient(server.url), { logger: { warn: (message, details) => warnings.push({ message, details }) } });
  return { jobs, warnings };
}

describe("a server speaking another API version than the package", () => {
  it("is said once, through the logger, when its Jobs carry fields the spec does not know", async () => {
    const { jobs, warnings } = await jobsAnswering({ ExportFormat: "CSV", Priority: "1" });
    await expect(jobs.get(JOB_ID)).resolves.toMatchObject({ Status: "COMPLETED" });
    await jobs.get(JOB_ID);
    await jobs.list();
    expect(warnings).toEqual([
      {
        message: `GET /Jobs/${JOB_ID} answered a Job with fields the impact.com Partner API v15 spec does not know (ExportFormat, Priority): the server may speak another API version than IR-Version 15, which these types describe`,
        details: { unknownFields: ["ExportFormat", "Priority"], apiVersion: "15" },
      },
    ]);
  });

  it("says nothing while every field is the spec's, and lists are looked at too", async () => {
    const quiet = await jobsAnswering({});
    await quiet.jobs.get(JOB_ID);
    await quiet.jobs.list();
    expect(quiet.warnings).toEqual([]);
    await server!.close();
    const listed = await jobsAnswering({ Region: "EU" });
    await listed.jobs.list();
    expect(listed.warnings.map((warning) => warning.message)).toEqual([
      expect.stringMatching(/^GET \/Jobs answered a Job with fields the .* spec does not know \(Region\)/),
    ]);
  });
});
