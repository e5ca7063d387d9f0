import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "./sandbox.js";
import { bytesOf, completedJob, signedUrlOf } from "./test-support.js";

let sandbox: Sandbox;
let jobId: string;
let signedUrl: string;
let whole: Buffer;

beforeAll(async () => {
  sandbox = await startSandbox({ clock: "manual", job: { queueMs: 0, runMs: 1_000, rows: 2_000 }, signedUrlTtlMs: 3_600_000 });
  jobId = await completedJob(sandbox);
  signedUrl = await signedUrlOf(sandbox, jobId);
  whole = await bytesOf(await fetch(signedUrl));
});
afterAll(async () => {
  expect(sandbox.control.violations()).toEqual([]);
  await sandbox.close();
});

describe("the storage origin's validators and If-Range (RFC 9110 §8.8, §13.1.5)", () => {
  it("sends a strong ETag, Last-Modified (the job's completion), Accept-Ranges and a Date on the sandbox clock", async () => {
    const response = await fetch(signedUrl);
    const truth = await sandbox.control.result(jobId);
    expect(response.headers.get("etag")).toBe(`"${jobId}-v0"`);
    expect(response.headers.get("etag")).toBe(truth.etag);
    expect(response.headers.get("last-modified")).toBe(new Date(Date.parse(sandbox.control.job(jobId).wire["CompletedDate"]!)).toUTCString());
    expect(response.headers.get("last-modified")).toBe(truth.lastModified);
    expect(response.headers.get("accept-ranges")).toBe("bytes");
    expect(response.headers.get("date")).toBe(new Date(sandbox.control.clock.now()).toUTCString());
    await response.arrayBuffer();
  });

  it("applies the Range when If-Range carries the current ETag or Last-Modified", async () => {
    const { etag, lastModified } = await sandbox.control.result(jobId);
    for (const ifRange of [etag, lastModified]) {
      const response = await fetch(signedUrl, { headers: { Range: "bytes=100-", "If-Range": ifRange } });
      expect(response.status).toBe(206);
      expect(response.headers.get("content-range")).toBe(`bytes 100-${whole.length - 1}/${whole.length}`);
      expect(await bytesOf(response)).toEqual(whole.subarray(100));
    }
  });

  it.each([
    ["another entity tag", '"someone-else"'],
    ["the current tag marked weak", () => `W/"${jobId}-v0"`],
    ["another date", "Thu, 01 Jan 2026 00:00:00 GMT"],
    ["something that is no validator", "tomorrow"],
  ] as const)("ignores the Range and sends the whole object with 200 when If-Range is %s", async (_case, value) => {
    const ifRange = typeof value === "function" ? value() : value;
    const response = await fetch(signedUrl, { headers: { Range: "bytes=100-199", "If-Range": ifRange } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-range")).toBeNull();
    expect(await bytesOf(response)).toEqual(whole);
  });

  it("ignores If-Range without a Range, and a mismatching If-Range makes an unsatisfiable Range a 200", async () => {
    const plain = await fetch(signedUrl, { headers: { "If-Range": '"someone-else"' } });
    expect(plain.status).toBe(200);
    expect(await bytesOf(plain)).toEqual(whole);
    const beyond = await fetch(signedUrl, { headers: { Range: `bytes=${whole.length}-`, "If-Range": '"someone-else"' } });
    expect(beyond.status).toBe(200);
    expect((await bytesOf(beyond)).length).toBe(whole.length);
  });
});
