import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "./sandbox.js";
import { API_HEADERS, bytesOf, completedJob, rawRequest, signedUrlOf } from "./test-support.js";

let sandbox: Sandbox;
let jobId: string;
let signedUrl: string;
let whole: Buffer;

beforeAll(async () => {
  sandbox = await startSandbox({ clock: "manual", job: { queueMs: 0, runMs: 1_000, rows: 3_000 }, signedUrlTtlMs: 3_600_000 });
  jobId = await completedJob(sandbox);
  signedUrl = await signedUrlOf(sandbox, jobId);
  whole = await bytesOf(await fetch(signedUrl));
});
afterAll(async () => {
  expect(sandbox.control.violations()).toEqual([]);
  await sandbox.close();
});

describe("gzip", () => {
  it("gzips the object although the client asked for identity, with the Content-Length of the gzipped bytes", async () => {
    sandbox.control.inject({ route: "storage", fault: { kind: "gzip" } });
    const response = await rawRequest(signedUrl, { headers: { "Accept-Encoding": "identity" } });
    const { ended, body } = await response.done;
    expect(ended).toBe(true);
    expect(response.status).toBe(200);
    expect(response.headers["content-encoding"]).toBe("gzip");
    expect(Number(response.headers["content-length"])).toBe(body.length);
    expect(body.length).toBeLessThan(whole.length);
    expect(gunzipSync(body)).toEqual(whole);
    expect(response.headers["etag"]).toBe((await sandbox.control.result(jobId)).etag);
  });

  it("gzips a requested range on its own and keeps the identity Content-Range, as a misconfigured CDN does", async () => {
    sandbox.control.inject({ route: "storage", fault: { kind: "gzip" } });
    const response = await rawRequest(signedUrl, { headers: { "Accept-Encoding": "identity", Range: "bytes=1000-4999" } });
    const { body } = await response.done;
    expect(response.status).toBe(206);
    expect(response.headers["content-range"]).toBe(`bytes 1000-4999/${whole.length}`);
    expect(Number(response.headers["content-length"])).toBe(body.length);
    expect(body.length).not.toBe(4_000);
    expect(gunzipSync(body)).toEqual(whole.subarray(1000, 5000));
  });

  it("gzips Download with Mode=Stream, and leaves bodiless and error answers alone", async () => {
    sandbox.control.inject({ route: "downloadJob", fault: { kind: "gzip" } });
    const streamed = await rawRequest(`${sandbox.url}/Mediapartners/IRSANDBOX0001/Jobs/${jobId}/Download?Mode=Stream`, { headers: API_HEADERS });
    expect(streamed.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync((await streamed.done).body)).toEqual(whole);
    sandbox.control.inject({ route: "downloadJob", fault: { kind: "gzip" } });
    const redirect = await rawRequest(`${sandbox.url}/Mediapartners/IRSANDBOX0001/Jobs/${jobId}/Download`, { headers: API_HEADERS });
    expect(redirect.status).toBe(302);
    expect(redirect.headers["content-encoding"]).toBeUndefined();
    sandbox.control.inject({ route: "storage", fault: { kind: "gzip" } });
    const refused = await rawRequest(signedUrl, { method: "HEAD" });
    expect(refused.status).toBe(403);
    expect(refused.headers["content-encoding"]).toBeUndefined();
  });
});
