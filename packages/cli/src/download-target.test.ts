import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeApi, sendJson, startFakeApi } from "@impactkit/jobs/testing";
import { impactkit } from "./testing/support.js";

const JOB = "3f1e2d3c-4b5a-4697-8877-665544332211";
let api: FakeApi;
let dir: string;
const env = () => ({ IMPACT_ACCOUNT_SID: "IRTARGET001", IMPACT_AUTH_TOKEN: "tok-target-42", IMPACT_API: "partner-v15", IMPACT_BASE_URL: api.url });

beforeAll(async () => {
  api = await startFakeApi((_request, response) => sendJson(response, 500, { Message: "no request was expected" }));
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "impactkit-target-"));
  api.seen.length = 0;
});
afterAll(async () => {
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the --output file is checked before any request (exit 2: nothing was sent)", () => {
  it("a folder that does not exist, an existing file without --overwrite, a folder as the file", async () => {
    const existing = join(dir, "existing.csv");
    writeFileSync(existing, "kept\n");
    mkdirSync(join(dir, "folder"));
    const missing = join(dir, "missing", "x.csv");
    const cases: Array<[string[], RegExp]> = [
      [["export", "report", "mp_action_listing_fast", "-o", missing], /folder .*missing does not exist/],
      [["export", "report", "mp_action_listing_fast", "-o", existing], /existing\.csv exists/],
      [["export", "clicks", "--date", "2026-11-24", "-o", missing], /does not exist/],
      [["export", "clicks", "--date", "2026-11-24", "-o", existing, "--json"], /existing\.csv exists/],
      [["jobs", "download", JOB, "-o", existing], /existing\.csv exists/],
      [["jobs", "download", JOB, "-o", join(dir, "folder")], /is a directory/],
    ];
    for (const [args, message] of cases) {
      const run = await impactkit(args, env());
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(api.seen, args.join(" ")).toEqual([]);
    }
    expect(readFileSync(existing, "utf8")).toBe("kept\n");
  });
});

describe("once a request was sent, a bad argument is an error (1), not a usage error", () => {
  it("a file that appears at the --output path during the download", async () => {
    const target = join(dir, "late.csv");
    const server = await startFakeApi((_request, response, path) => {
      if (path === "/ReportExport/mp_action_listing_fast")
        return sendJson(response, 200, { Status: "QUEUED", QueuedUri: `/Mediapartners/IRTARGET001/Jobs/${JOB}` });
      if (path === "/Reports/mp_action_listing_fast/MetaData")
        return sendJson(response, 200, { Id: "mp_action_listing_fast", Filters: [{ Name: "START_DATE" }, { Name: "END_DATE" }], Attributes: [] });
      if (path === `/Jobs/${JOB}`) return sendJson(response, 200, { Id: JOB, Status: "COMPLETED", PercentageComplete: 100 });
      if (path === `/Jobs/${JOB}/Download`) {
        writeFileSync(target, "someone else's\n");
        response.writeHead(302, { location: "/storage/late" });
        return response.end();
      }
      response.writeHead(200, { "content-type": "text/csv", "content-length": 4 });
      response.end("a,b\n");
    });
    try {
      const run = await impactkit(
        ["export", "report", "mp_action_listing_fast", "-p", "START_DATE=2026-11-01", "-p", "END_DATE=2026-11-01", "-o", target, "--first-check", "10ms"],
        { ...env(), IMPACT_BASE_URL: server.url },
      );
      expect(run.stderr).toMatch(/late\.csv appeared during the download/);
      expect(run.code).toBe(1);
      expect(readFileSync(target, "utf8")).toBe("someone else's\n");
      expect(server.seen.map((request) => new URL(request.path, server.url).pathname).at(-1)).toBe("/storage/late");
    } finally {
      await server.close();
    }
  });

  it("an export answer whose QueuedUri names no job", async () => {
    const server = await startFakeApi((_request, response) =>
      sendJson(response, 200, { Status: "QUEUED", QueuedUri: "/Mediapartners/IRTARGET001/Jobs/not-a-job" }),
    );
    try {
      const run = await impactkit(["export", "report", "mp_action_listing_fast", "-p", "START_DATE=2026-11-01", "-p", "END_DATE=2026-11-01"], {
        ...env(),
        IMPACT_BASE_URL: server.url,
      });
      expect(run.stderr).toMatch(/JobId must be a UUID .*, got "not-a-job"/);
      expect(run.code).toBe(1);
    } finally {
      await server.close();
    }
  });
});
