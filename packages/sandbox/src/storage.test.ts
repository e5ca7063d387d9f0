import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "./sandbox.js";
import { bytesOf, clientsFor, queuedJobId } from "./testing/support.js";

let sandbox: Sandbox;
let brand: ReturnType<typeof clientsFor>["brand"];
let jobId: string;
let signedUrl: string;

beforeAll(async () => {
  sandbox = await startSandbox({ clock: "manual", job: { queueMs: 0, runMs: 1_000, rows: 5_000 }, signedUrlTtlMs: 60_000 });
  brand = clientsFor(sandbox).brand;
  const { data } = await brand.GET("/ReportExport/{ReportId_or_Handle}", { params: { path: { ReportId_or_Handle: "4222" } } });
  jobId = queuedJobId(data);
  sandbox.control.advance(1_000);
  signedUrl = await location();
});
afterAll(async () => {
  expect(sandbox.control.violations()).toEqual([]);
  await sandbox.close();
});

async function location(): Promise<string> {
  const { response } = await brand.GET("/Jobs/{JobId}/Download", {
    params: { path: { JobId: jobId } },
    fetch: (request: Request) => fetch(request, { redirect: "manual" }),
    parseAs: "text",
  });
  expect(response.status).toBe(302);
  return response.headers.get("location")!;
}

describe("the storage origin", () => {
  it("serves the result behind the signed URL with Content-Length, and its sha256 matches control.result", async () => {
    const response = await fetch(signedUrl);
    expect(response.status).toBe(200);
    const body = await bytesOf(response);
    const truth = await sandbox.control.result(jobId);
    expect(Number(response.headers.get("content-length"))).toBe(truth.size);
    expect(body.length).toBe(truth.size);
    expect(createHash("sha256").update(body).digest("hex")).toBe(truth.sha256);
    expect(response.headers.get("accept-ranges")).toBe("bytes");
    expect(new URL(signedUrl).origin).toBe(sandbox.storageUrl);
  });

  it("serves Mode=Stream from the API origin with the same bytes", async () => {
    const { data } = await brand.GET("/Jobs/{JobId}/Download", { params: { path: { JobId: jobId }, query: { Mode: "Stream" } }, parseAs: "arrayBuffer" });
    expect(
      createHash("sha256")
        .update(Buffer.from(data as ArrayBuffer))
        .digest("hex"),
    ).toBe((await sandbox.control.result(jobId)).sha256);
  });

  it("answers Range requests with 206 and Content-Range, and 416 when unsatisfiable", async () => {
    const whole = await bytesOf(await fetch(signedUrl));
    const partial = await fetch(signedUrl, { headers: { Range: "bytes=100-199" } });
    expect(partial.status).toBe(206);
    expect(partial.headers.get("content-range")).toBe(`bytes 100-199/${whole.length}`);
    expect(await bytesOf(partial)).toEqual(whole.subarray(100, 200));
    const tail = await fetch(signedUrl, { headers: { Range: `bytes=${whole.length - 10}-` } });
    expect(await bytesOf(tail)).toEqual(whole.subarray(whole.length - 10));
    const suffix = await fetch(signedUrl, { headers: { Range: "bytes=-5" } });
    expect(await bytesOf(suffix)).toEqual(whole.subarray(whole.length - 5));
    const beyond = await fetch(signedUrl, { headers: { Range: `bytes=${whole.length}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get("content-range")).toBe(`bytes */${whole.length}`);
  });

  it("refuses a tampered URL (403 SignatureDoesNotMatch) and a HEAD against a GET-signed URL", async () => {
    const tampered = new URL(signedUrl);
    tampered.searchParams.set("expires", String(Number(tampered.searchParams.get("expires")) + 3600));
    const response = await fetch(tampered);
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("<Code>SignatureDoesNotMatch</Code>");
    expect((await fetch(signedUrl, { method: "HEAD" })).status).toBe(403);
  });

  it("refuses any Authorization header: one auth mechanism only, as cloud storage does", async () => {
    const response = await fetch(signedUrl, { headers: { Authorization: "Basic eDp5" } });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("Only one auth mechanism allowed");
  });

  it("lets a signed URL expire on the sandbox clock (403 ExpiredToken); Download hands out a fresh one", async () => {
    sandbox.control.advance(60_000);
    const expired = await fetch(signedUrl);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain("<Code>ExpiredToken</Code>");
    const fresh = await location();
    expect(fresh).not.toBe(signedUrl);
    expect((await fetch(fresh)).status).toBe(200);
  });

  it("logs what the storage origin received, with the signature redacted", () => {
    const requests = sandbox.control.requests("storage");
    expect(requests.length).toBeGreaterThan(5);
    expect(requests.every((request) => request.query["signature"] === "[redacted]")).toBe(true);
    expect(requests.filter((request) => "authorization" in request.headers)).toHaveLength(1);
  });
});

describe("a storage origin that limits each connection, as object storage does", () => {
  it("sends each response at storageBytesPerSecond at most, bytes intact, and refuses a rate of 0", async () => {
    const limited = await startSandbox({ clock: "manual", job: { queueMs: 0, runMs: 1_000, rows: 20_000 }, storageBytesPerSecond: 2 * 1024 * 1024 });
    try {
      const client = clientsFor(limited).brand;
      const { data } = await client.GET("/ReportExport/{ReportId_or_Handle}", { params: { path: { ReportId_or_Handle: "4222" } } });
      const id = queuedJobId(data);
      limited.control.advance(1_000);
      const { response } = await client.GET("/Jobs/{JobId}/Download", {
        params: { path: { JobId: id } },
        fetch: (request: Request) => fetch(request, { redirect: "manual" }),
        parseAs: "text",
      });
      const started = performance.now();
      const body = Buffer.from(await (await fetch(response.headers.get("location")!)).arrayBuffer());
      const elapsedMs = performance.now() - started;
      const truth = await limited.control.result(id);
      expect(createHash("sha256").update(body).digest("hex")).toBe(truth.sha256);
      // A lower bound only (a slower machine takes longer still, never less): all but the first 64 KiB piece wait for the rate.
      expect(elapsedMs).toBeGreaterThanOrEqual(((truth.size - 64 * 1024) / (2 * 1024 * 1024)) * 1000 * 0.95);
    } finally {
      await limited.close();
    }
    await expect(startSandbox({ storageBytesPerSecond: 0 })).rejects.toThrow("storageBytesPerSecond must be above 0, got 0");
  });
});
