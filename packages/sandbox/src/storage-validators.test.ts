import { describe, expect, it } from "vitest";
import { bytesOf, storedResult } from "./testing/support.js";

const stored = storedResult(2_000);

describe("the storage origin's validators and If-Range (RFC 9110 §8.8, §13.1.5)", () => {
  it("sends a strong ETag, Last-Modified (the job's completion), Accept-Ranges and a Date on the stored.sandbox clock", async () => {
    const response = await fetch(stored.signedUrl);
    const truth = await stored.sandbox.control.result(stored.jobId);
    expect(response.headers.get("etag")).toBe(`"${stored.jobId}-v0"`);
    expect(response.headers.get("etag")).toBe(truth.etag);
    expect(response.headers.get("last-modified")).toBe(new Date(Date.parse(stored.sandbox.control.job(stored.jobId).wire["CompletedDate"]!)).toUTCString());
    expect(response.headers.get("last-modified")).toBe(truth.lastModified);
    expect(response.headers.get("accept-ranges")).toBe("bytes");
    expect(response.headers.get("date")).toBe(new Date(stored.sandbox.control.clock.now()).toUTCString());
    await response.arrayBuffer();
  });

  it("applies the Range when If-Range carries the current ETag or Last-Modified", async () => {
    const { etag, lastModified } = await stored.sandbox.control.result(stored.jobId);
    for (const ifRange of [etag, lastModified]) {
      const response = await fetch(stored.signedUrl, { headers: { Range: "bytes=100-", "If-Range": ifRange } });
      expect(response.status).toBe(206);
      expect(response.headers.get("content-range")).toBe(`bytes 100-${stored.whole.length - 1}/${stored.whole.length}`);
      expect(await bytesOf(response)).toEqual(stored.whole.subarray(100));
    }
  });

  it.each([
    ["another entity tag", '"someone-else"'],
    ["the current tag marked weak", () => `W/"${stored.jobId}-v0"`],
    ["another date", "Thu, 01 Jan 2026 00:00:00 GMT"],
    ["something that is no validator", "tomorrow"],
  ] as const)("ignores the Range and sends the stored.whole object with 200 when If-Range is %s", async (_case, value) => {
    const ifRange = typeof value === "function" ? value() : value;
    const response = await fetch(stored.signedUrl, { headers: { Range: "bytes=100-199", "If-Range": ifRange } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-range")).toBeNull();
    expect(await bytesOf(response)).toEqual(stored.whole);
  });

  it("ignores If-Range without a Range, and a mismatching If-Range makes an unsatisfiable Range a 200", async () => {
    const plain = await fetch(stored.signedUrl, { headers: { "If-Range": '"someone-else"' } });
    expect(plain.status).toBe(200);
    expect(await bytesOf(plain)).toEqual(stored.whole);
    const beyond = await fetch(stored.signedUrl, { headers: { Range: `bytes=${stored.whole.length}-`, "If-Range": '"someone-else"' } });
    expect(beyond.status).toBe(200);
    expect((await bytesOf(beyond)).length).toBe(stored.whole.length);
  });
});
