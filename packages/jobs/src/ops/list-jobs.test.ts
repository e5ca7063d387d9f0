import { afterEach, describe, expect, it } from "vitest";
import { ProtocolError } from "../base/errors.js";
import { createJobs, type Job } from "../index.js";
import { type FakeApi, JOB_ID, rejection, sendJson, startFakeApi } from "../testing.js";
import { hostileClient } from "../testing/clients.fixture.js";

/** `list()` against servers answering every list shape the specs allow, and some they do not. */
let server: FakeApi | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const job = (index: number) => ({ Id: JOB_ID.replace(/.{2}$/, String(index).padStart(2, "0")), Status: "COMPLETED" });

/** A server answering page N (1-based, from `Page`) with `pages[N - 1]`; the pages asked for, in order. */
async function listing(pages: ReadonlyArray<(page: number) => unknown>): Promise<{ jobs: { list(): Promise<Job[]> }; asked: () => string[] }> {
  server = await startFakeApi((request, response) => {
    const page = Number(new URL(request.url!, "http://x").searchParams.get("Page") ?? "1");
    const body = pages[page - 1];
    sendJson(response, 200, JSON.stringify(body ? body(page) : { Jobs: [] }));
  });
  const seen = server.seen;
  return {
    jobs: createJobs(hostileClient(server.url), { retries: 0 }),
    asked: () => seen.map((request) => new URL(request.path, "http://x").searchParams.get("Page") ?? "1"),
  };
}

describe("list() reads every page, whatever the list's shape", () => {
  it("follows @nextpageuri alone (no @numpages), until it is empty", async () => {
    const { jobs, asked } = await listing([
      () => ({ "@page": "1", "@nextpageuri": "/Mediapartners/IRHOSTILE0001/Jobs?Page=2", Jobs: [job(1), job(2)] }),
      () => ({ "@page": "2", "@nextpageuri": "", Jobs: [job(3)] }),
    ]);
    expect((await jobs.list()).map((one) => one.Id)).toEqual([job(1).Id, job(2).Id, job(3).Id]);
    expect(asked()).toEqual(["1", "2"]);
  });

  it("follows @numpages given as strings, and as numbers", async () => {
    for (const numpages of ["3", 3]) {
      const page = (number: number) => ({ "@page": String(number), "@numpages": numpages, Jobs: [job(number)] });
      const { jobs, asked } = await listing([page, page, page]);
      expect(await jobs.list()).toHaveLength(3);
      expect(asked()).toEqual(["1", "2", "3"]);
      await server!.close();
      server = undefined;
    }
  });

  it("reads {Jobs} without paging fields, and a bare array shorter than a page, as the only page", async () => {
    for (const body of [{ Jobs: [job(1)] }, [job(1), job(2)]]) {
      const { jobs, asked } = await listing([() => body]);
      expect((await jobs.list()).length).toBe(Array.isArray(body) ? 2 : 1);
      expect(asked()).toEqual(["1"]);
      await server!.close();
      server = undefined;
    }
  });

  it("stops at an empty page, however many more the server claims", async () => {
    const { jobs, asked } = await listing([
      () => ({ "@page": "1", "@numpages": "99", Jobs: [job(1)] }),
      () => ({ "@page": "2", "@numpages": "99", "@nextpageuri": "/again", Jobs: [] }),
    ]);
    expect(await jobs.list()).toHaveLength(1);
    expect(asked()).toEqual(["1", "2"]);
  });

  it("refuses a page that is no list of jobs", async () => {
    const { jobs } = await listing([() => ({ "@page": "1", "@numpages": "2", Jobs: [job(1)] }), () => ({ "@page": "2", Jobs: "none" })]);
    const error = await rejection(jobs.list());
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as Error).message).toMatch(/^GET \/Jobs \(page 2\) failed: expected \{"Jobs": \[\.\.\.\]\} or an array/);
  });
});
