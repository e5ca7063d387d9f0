import { describe, expect, it } from "vitest";
import { startSandbox } from "./sandbox.js";
import { API_HEADERS, completedJob, rawRequest, sha256, signedUrlOf, storedResult } from "./testing/support.js";

const stored = storedResult(2_000);

const jobUrl = () => `${stored.sandbox.url}/Mediapartners/IRSANDBOX0001/Jobs/${stored.jobId}`;

describe("body-stall", () => {
  it("sends the headers and the first afterBytes of a storage object, then holds the connection until the sandbox closes", async () => {
    const own = await startSandbox({ clock: "manual", job: { queueMs: 0, runMs: 0, rows: 2_000 } });
    const id = await completedJob(own);
    const url = await signedUrlOf(own, id);
    own.control.inject({ route: "storage", fault: { kind: "body-stall", afterBytes: 5_000 } });
    const response = await rawRequest(url);
    expect(response.status).toBe(200);
    expect(Number(response.headers["content-length"])).toBe((await own.control.result(id)).size);
    await response.bytes(5_000);
    expect(own.control.requests("storage").at(-1)).toMatchObject({ fault: "body-stall" });
    await own.close();
    const { ended, body } = await response.done;
    expect(ended).toBe(false);
    expect(body.length).toBe(5_000);
  });

  it("stalls an API body after its headers (all but its last byte by default) until the client gives up", async () => {
    stored.sandbox.control.inject({ route: "getJob", fault: { kind: "body-stall" } });
    const response = await rawRequest(jobUrl(), { headers: API_HEADERS });
    expect(response.status).toBe(200);
    const length = Number(response.headers["content-length"]);
    await response.bytes(length - 1);
    expect(response.received().length).toBe(length - 1);
    expect(response.received().toString()).toMatch(new RegExp(`^\\{"Id":"${stored.jobId}"`));
    response.abort();
    expect((await response.done).ended).toBe(false);
  });

  it("sends the rest after ms, complete: on Download with Mode=Stream", async () => {
    stored.sandbox.control.inject({ route: "downloadJob", fault: { kind: "body-stall", afterBytes: 1_000, ms: 50 } });
    const response = await rawRequest(`${jobUrl()}/Download?Mode=Stream`, { headers: API_HEADERS });
    const { ended, body } = await response.done;
    expect(ended).toBe(true);
    expect(body.length).toBe(stored.truth.size);
    expect(sha256(body)).toBe(stored.truth.sha256);
  });
});

describe("trickle", () => {
  it("sends a storage object in small pieces, complete in the end", async () => {
    stored.sandbox.control.inject({ route: "storage", fault: { kind: "trickle", bytes: 1_000, intervalMs: 2 } });
    const response = await rawRequest(await signedUrlOf(stored.sandbox, stored.jobId));
    const { ended, body } = await response.done;
    expect(ended).toBe(true);
    expect(sha256(body)).toBe(stored.truth.sha256);
    // Untouched, this object arrives in two or three pieces (its header and blocks of 1,000 rows); trickled, in about 95.
    expect(response.pieces()).toBeGreaterThan(5);
  });

  it("trickles Mode=Stream, and a JSON body on any API route", async () => {
    stored.sandbox.control.inject({ route: "downloadJob", fault: { kind: "trickle", bytes: 10_000, intervalMs: 1 } });
    const streamed = await (await rawRequest(`${jobUrl()}/Download?Mode=Stream`, { headers: API_HEADERS })).done;
    expect(sha256(streamed.body)).toBe(stored.truth.sha256);
    stored.sandbox.control.inject({ route: "getJob", fault: { kind: "trickle", bytes: 50, intervalMs: 1 } });
    const job = await (await rawRequest(jobUrl(), { headers: API_HEADERS })).done;
    expect(JSON.parse(job.body.toString())).toMatchObject({ Id: stored.jobId, Status: "COMPLETED" });
    expect(
      stored.sandbox.control
        .requests("api")
        .slice(-2)
        .map((entry) => entry.fault),
    ).toEqual(["trickle", "trickle"]);
  });
});
