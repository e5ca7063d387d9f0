import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { API_HEADERS, rawRequest, storedResult } from "./testing/support.js";

const stored = storedResult(3_000);

describe("gzip", () => {
  it("gzips the object although the client asked for identity, with the Content-Length of the gzipped bytes", async () => {
    stored.sandbox.control.inject({ route: "storage", fault: { kind: "gzip" } });
    const response = await rawRequest(stored.signedUrl, { headers: { "Accept-Encoding": "identity" } });
    const { ended, body } = await response.done;
    expect(ended).toBe(true);
    expect(response.status).toBe(200);
    expect(response.headers["content-encoding"]).toBe("gzip");
    expect(Number(response.headers["content-length"])).toBe(body.length);
    expect(body.length).toBeLessThan(stored.whole.length);
    expect(gunzipSync(body)).toEqual(stored.whole);
    expect(response.headers["etag"]).toBe((await stored.sandbox.control.result(stored.jobId)).etag);
  });

  it("gzips a requested range on its own and keeps the identity Content-Range, as a misconfigured CDN does", async () => {
    stored.sandbox.control.inject({ route: "storage", fault: { kind: "gzip" } });
    const response = await rawRequest(stored.signedUrl, { headers: { "Accept-Encoding": "identity", Range: "bytes=1000-4999" } });
    const { body } = await response.done;
    expect(response.status).toBe(206);
    expect(response.headers["content-range"]).toBe(`bytes 1000-4999/${stored.whole.length}`);
    expect(Number(response.headers["content-length"])).toBe(body.length);
    expect(body.length).not.toBe(4_000);
    expect(gunzipSync(body)).toEqual(stored.whole.subarray(1000, 5000));
  });

  it("gzips Download with Mode=Stream, and leaves bodiless and error answers alone", async () => {
    stored.sandbox.control.inject({ route: "downloadJob", fault: { kind: "gzip" } });
    const streamed = await rawRequest(`${stored.sandbox.url}/Mediapartners/IRSANDBOX0001/Jobs/${stored.jobId}/Download?Mode=Stream`, { headers: API_HEADERS });
    expect(streamed.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync((await streamed.done).body)).toEqual(stored.whole);
    stored.sandbox.control.inject({ route: "downloadJob", fault: { kind: "gzip" } });
    const redirect = await rawRequest(`${stored.sandbox.url}/Mediapartners/IRSANDBOX0001/Jobs/${stored.jobId}/Download`, { headers: API_HEADERS });
    expect(redirect.status).toBe(302);
    expect(redirect.headers["content-encoding"]).toBeUndefined();
    stored.sandbox.control.inject({ route: "storage", fault: { kind: "gzip" } });
    const refused = await rawRequest(stored.signedUrl, { method: "HEAD" });
    expect(refused.status).toBe(403);
    expect(refused.headers["content-encoding"]).toBeUndefined();
  });
});
