import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "./sandbox.js";
import { API_HEADERS, bytesOf, completedJob, rawRequest, sha256, signedUrlOf } from "./testing/support.js";

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ clock: "manual", job: { queueMs: 0, runMs: 1_000, rows: 3_000 }, signedUrlTtlMs: 3_600_000 });
});
afterAll(async () => {
  expect(sandbox.control.violations()).toEqual([]);
  await sandbox.close();
});

async function download(day: string) {
  const jobId = await completedJob(sandbox, day);
  const url = await signedUrlOf(sandbox, jobId);
  const first = await fetch(url);
  return { jobId, url, etag: first.headers.get("etag")!, lastModified: first.headers.get("last-modified")!, bytes: await bytesOf(first) };
}

describe("object-changed", () => {
  it("on the next request: a new ETag, Last-Modified, content and size; If-Range with the old ETag gets 200 with the new object", async () => {
    const before = await download("2026-11-01");
    sandbox.control.inject({ route: "storage", fault: { kind: "object-changed" } });
    const resumed = await fetch(before.url, { headers: { Range: "bytes=1000-", "If-Range": before.etag } });
    expect(resumed.status).toBe(200);
    const after = await sandbox.control.result(before.jobId);
    expect(after).toMatchObject({ version: 1, etag: `"${before.jobId}-v1"` });
    expect(resumed.headers.get("etag")).toBe(after.etag);
    expect(resumed.headers.get("last-modified")).toBe(after.lastModified);
    expect(Date.parse(after.lastModified)).toBeGreaterThan(Date.parse(before.lastModified));
    const body = await bytesOf(resumed);
    expect(body.length).toBe(after.size);
    expect(after.size).not.toBe(before.bytes.length);
    expect(sha256(body)).toBe(after.sha256);
    expect(sha256(body)).not.toBe(sha256(before.bytes));
  });

  it("an If-Range of the old Last-Modified gets 200 too; the new version's own validators get 206", async () => {
    const before = await download("2026-11-02");
    sandbox.control.inject({ route: "storage", fault: { kind: "object-changed" } });
    expect((await fetch(before.url, { headers: { Range: "bytes=10-", "If-Range": before.lastModified } })).status).toBe(200);
    const after = await sandbox.control.result(before.jobId);
    for (const validator of [after.etag, after.lastModified])
      expect((await fetch(before.url, { headers: { Range: "bytes=10-", "If-Range": validator } })).status).toBe(206);
  });

  it("after afterBytes: the response breaks after that many bytes of the old version; a naive Range resume gets 206 of the new one", async () => {
    const before = await download("2026-11-03");
    sandbox.control.inject({ route: "storage", fault: { kind: "object-changed", afterBytes: 1_000 } });
    const broken = await (await rawRequest(before.url)).done;
    expect(broken.ended).toBe(false);
    expect(broken.body).toEqual(before.bytes.subarray(0, 1_000));

    const after = await sandbox.control.result(before.jobId);
    const naive = await fetch(before.url, { headers: { Range: "bytes=1000-" } });
    expect(naive.status).toBe(206);
    expect(naive.headers.get("etag")).toBe(after.etag);
    expect(naive.headers.get("content-range")).toBe(`bytes 1000-${after.size - 1}/${after.size}`);
    const mixed = Buffer.concat([broken.body, await bytesOf(naive)]);
    expect(mixed.length).toBe(after.size);
    expect(sha256(mixed)).not.toBe(after.sha256);
    expect(sha256(mixed)).not.toBe(sha256(before.bytes));

    const careful = await fetch(before.url, { headers: { Range: "bytes=1000-", "If-Range": before.etag } });
    expect(careful.status).toBe(200);
    expect(sha256(await bytesOf(careful))).toBe(after.sha256);
  });

  it("serves the new version on Download with Mode=Stream too", async () => {
    const before = await download("2026-11-04");
    sandbox.control.inject({ route: "storage", fault: { kind: "object-changed" } });
    await bytesOf(await fetch(before.url));
    const streamed = await fetch(`${sandbox.url}/Mediapartners/IRSANDBOX0001/Jobs/${before.jobId}/Download?Mode=Stream`, { headers: API_HEADERS });
    expect(sha256(await bytesOf(streamed))).toBe((await sandbox.control.result(before.jobId)).sha256);
  });
});
