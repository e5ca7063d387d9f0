import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "./sandbox.js";

let sandbox: Sandbox;
let jobId: string;
const headers = { Authorization: `Basic ${Buffer.from("IRSANDBOX0001:sandbox-token").toString("base64")}`, Accept: "application/json" };
const jobUrl = () => `${sandbox.url}/Mediapartners/IRSANDBOX0001/Jobs/${jobId}`;

beforeAll(async () => {
  sandbox = await startSandbox({ clock: "manual", job: { queueMs: 0, runMs: 1_000, rows: 20_000 } });
  const queued = await fetch(`${sandbox.url}/Mediapartners/IRSANDBOX0001/ReportExport/mp_action_listing_fast?START_DATE=2026-11-01&END_DATE=2026-11-02`, {
    headers,
  });
  jobId = String(((await queued.json()) as { QueuedUri: string }).QueuedUri.split("/").at(-1));
  sandbox.control.advance(1_000);
});
afterAll(async () => {
  expect(sandbox.control.violations()).toEqual([]);
  await sandbox.close();
});

/** Raw chunks of a response, to see what a fault does on the wire. */
function rawGet(url: string, sent: Record<string, string> = headers): Promise<{ status: number; chunks: Buffer[]; length: number; error?: Error }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const req = httpRequest(url, { headers: sent }, (response) => {
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode!, chunks, length: Number(response.headers["content-length"]) }));
      response.on("error", (error) => resolve({ status: response.statusCode!, chunks, length: Number(response.headers["content-length"]), error }));
    });
    req.on("error", (error) => resolve({ status: 0, chunks, length: 0, error }));
    req.end();
  });
}

describe("fault injection", () => {
  it.each([500, 502, 503, 504] as const)("answers %i with the error envelope, once", async (status) => {
    sandbox.control.inject({ route: "getJob", fault: { kind: "status", status } });
    const faulty = await fetch(jobUrl(), { headers });
    expect(faulty.status).toBe(status);
    expect(await faulty.json()).toMatchObject({ Status: "ERROR" });
    expect((await fetch(jobUrl(), { headers })).status).toBe(200);
  });

  it("answers 429 with Retry-After and nothing remaining", async () => {
    sandbox.control.inject({ route: "listJobs", fault: { kind: "rate-limit", retryAfterSeconds: 7 } });
    const response = await fetch(`${sandbox.url}/Mediapartners/IRSANDBOX0001/Jobs`, { headers });
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("7");
    expect(response.headers.get("x-ratelimit-remaining-hour")).toBe("0");
    expect(response.headers.get("ratelimit-reset")).toBe("7");
  });

  it("resets the connection", async () => {
    sandbox.control.inject({ route: "getJob", fault: { kind: "reset" } });
    const { error } = await rawGet(jobUrl());
    expect(error).toMatchObject({ code: "ECONNRESET" });
  });

  it("stalls: forever until the client gives up, or for a while", async () => {
    sandbox.control.inject({ route: "getJob", fault: { kind: "stall" } });
    await expect(fetch(jobUrl(), { headers, signal: AbortSignal.timeout(50) })).rejects.toMatchObject({ name: "TimeoutError" });
    sandbox.control.inject({ route: "getJob", fault: { kind: "stall", ms: 30 } });
    expect((await fetch(jobUrl(), { headers })).status).toBe(200);
  });

  it("drips a slow body in many small pieces, complete in the end", async () => {
    sandbox.control.inject({ route: "getJob", fault: { kind: "slow", bytesPerSecond: 2_000 } });
    const { chunks, length, status } = await rawGet(jobUrl());
    expect(status).toBe(200);
    expect(chunks.length).toBeGreaterThan(2);
    expect(Buffer.concat(chunks).length).toBe(length);
    expect(JSON.parse(Buffer.concat(chunks).toString())).toMatchObject({ Id: jobId });
  });

  it("truncates a body below its Content-Length, on the API and on storage", async () => {
    sandbox.control.inject({ route: "getJob", fault: { kind: "truncate", fraction: 0.5 } });
    const api = await rawGet(jobUrl());
    expect(Buffer.concat(api.chunks).length).toBe(Math.floor(api.length * 0.5));
    expect(api.error).toBeDefined();
    const location = (await fetch(`${jobUrl()}/Download`, { headers, redirect: "manual" })).headers.get("location")!;
    sandbox.control.inject({ route: "storage", fault: { kind: "truncate", fraction: 0.25 } });
    const storage = await rawGet(location, {});
    expect(storage.length).toBe((await sandbox.control.result(jobId)).size);
    expect(Buffer.concat(storage.chunks).length).toBe(Math.floor(storage.length * 0.25));
    expect(storage.error).toBeDefined();
  });

  it("redirects to a signed URL that has already expired", async () => {
    sandbox.control.inject({ route: "downloadJob", fault: { kind: "expired-url" } });
    const location = (await fetch(`${jobUrl()}/Download`, { headers, redirect: "manual" })).headers.get("location")!;
    const response = await fetch(location);
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("ExpiredToken");
  });

  it("sends a Status the docs do not list (not counted as a spec violation)", async () => {
    sandbox.control.inject({ route: "getJob", fault: { kind: "unknown-status", status: "PAUSED" } });
    expect(await (await fetch(jobUrl(), { headers })).json()).toMatchObject({ Id: jobId, Status: "PAUSED" });
  });

  it("sends malformed JSON", async () => {
    sandbox.control.inject({ route: "getJob", fault: { kind: "malformed-json" } });
    const response = await fetch(jobUrl(), { headers });
    expect(response.headers.get("content-type")).toContain("application/json");
    await expect(response.json()).rejects.toThrow(SyntaxError);
  });

  it("sends XML although JSON was asked for", async () => {
    sandbox.control.inject({ route: "getJob", fault: { kind: "xml" } });
    const response = await fetch(jobUrl(), { headers });
    expect(response.headers.get("content-type")).toContain("application/xml");
    expect(await response.text()).toContain(`<ImpactRadiusResponse><Id>${jobId}</Id>`);
  });

  it("refuses an export with 200 and Status ERROR", async () => {
    sandbox.control.inject({ route: "exportReport", fault: { kind: "export-error", message: "Not permitted to run report" } });
    const response = await fetch(`${sandbox.url}/Mediapartners/IRSANDBOX0001/ReportExport/mp_action_listing_fast?START_DATE=2026-11-03&END_DATE=2026-11-04`, {
      headers,
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ Status: "ERROR", Message: "Not permitted to run report" });
  });

  it("aims a scripted fault at one job", async () => {
    sandbox.control.inject({ route: "getJob", jobId: "00000000-0000-4000-8000-000000000000", fault: { kind: "status", status: 500 } });
    expect((await fetch(jobUrl(), { headers })).status).toBe(200);
    sandbox.control.clearFaults();
  });

  it("draws random faults from a seed, the same for the same seed", async () => {
    const statuses = async (): Promise<number[]> => {
      const seeded = await startSandbox({
        clock: "manual",
        faults: { probability: 0.4, seed: 99, faults: [{ kind: "status", status: 503 }, { kind: "rate-limit" }] },
      });
      try {
        const result: number[] = [];
        for (let index = 0; index < 30; index += 1) result.push((await fetch(`${seeded.url}/Advertisers/IRSANDBOX0001/Jobs`, { headers })).status);
        expect(seeded.control.requests("api").filter((entry) => entry.fault).length).toBe(result.filter((status) => status !== 200).length);
        return result;
      } finally {
        await seeded.close();
      }
    };
    const first = await statuses();
    expect(await statuses()).toEqual(first);
    expect(new Set(first)).toEqual(new Set([200, 503, 429]));
  });
});
