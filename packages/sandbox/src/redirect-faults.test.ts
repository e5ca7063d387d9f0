import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "./sandbox.js";
import { API_HEADERS, bytesOf, completedJob, rawRequest, sha256, signedUrlOf } from "./test-support.js";

let sandbox: Sandbox;
let jobId: string;
let truth: { sha256: string };
const CUSTOM = { "X-Api-Key": "custom-key-never-leak" };

beforeAll(async () => {
  sandbox = await startSandbox({ clock: "manual", job: { queueMs: 0, runMs: 1_000, rows: 500 }, signedUrlTtlMs: 3_600_000 });
  jobId = await completedJob(sandbox);
  truth = await sandbox.control.result(jobId);
});
afterAll(async () => {
  expect(sandbox.control.violations()).toEqual([]);
  await sandbox.close();
});

const jobPath = () => `/Mediapartners/IRSANDBOX0001/Jobs/${jobId}`;
const download = (fetchOptions: RequestInit = {}) => fetch(`${sandbox.url}${jobPath()}/Download`, { headers: API_HEADERS, redirect: "manual", ...fetchOptions });

describe("redirect", () => {
  it("answers 302 to the same path and query on the elsewhere origin, which records a follower's headers unredacted", async () => {
    sandbox.control.inject({ route: "getJob", fault: { kind: "redirect" } });
    const response = await fetch(`${sandbox.url}${jobPath()}?trace=1`, { headers: API_HEADERS, redirect: "manual" });
    expect(response.status).toBe(302);
    const location = response.headers.get("location")!;
    expect(location).toBe(`${sandbox.elsewhereUrl}${jobPath()}?trace=1`);
    expect(sandbox.control.requests("api").at(-1)).toMatchObject({ status: 302, fault: "redirect" });

    const followed = await (await rawRequest(location, { headers: { ...API_HEADERS, ...CUSTOM } })).done;
    expect(JSON.parse(followed.body.toString())).toEqual(sandbox.control.job(jobId).wire);
    expect(sandbox.control.elsewhere().at(-1)).toEqual({
      method: "GET",
      path: jobPath(),
      query: { trace: "1" },
      headers: expect.objectContaining({ authorization: API_HEADERS["Authorization"], "x-api-key": CUSTOM["X-Api-Key"] }),
    });
  });

  it("uses the status asked for, and the route does not run: a followed 308 repeats the PUT elsewhere, no replay is made", async () => {
    const jobs = sandbox.control.jobs().length;
    sandbox.control.inject({ route: "replayJob", fault: { kind: "redirect", status: 308 } });
    const response = await fetch(`${sandbox.url}${jobPath()}/Replay`, { method: "PUT", headers: API_HEADERS, redirect: "manual" });
    expect(response.status).toBe(308);
    await (await rawRequest(response.headers.get("location")!, { method: "PUT" })).done;
    expect(sandbox.control.elsewhere().at(-1)).toMatchObject({ method: "PUT", path: `${jobPath()}/Replay` });
    expect(sandbox.control.jobs()).toHaveLength(jobs);
  });

  it("answers any path it does not know with a Job-shaped stand-in", async () => {
    const body = await (await fetch(`${sandbox.elsewhereUrl}/Mediapartners/IRSANDBOX0001/Jobs`)).json();
    expect(body).toMatchObject({ Id: "00000000-0000-4000-8000-000000000000", Status: "COMPLETED" });
  });
});

describe("storage-redirect", () => {
  it("to http: Download's Location is the signed URL on the storage origin's cleartext listener, which serves the result", async () => {
    const signed = new URL(await signedUrlOf(sandbox, jobId));
    sandbox.control.inject({ route: "downloadJob", fault: { kind: "storage-redirect", to: "http" } });
    const response = await download();
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get("location")!);
    expect(location.origin).toBe(sandbox.cleartextStorageUrl);
    expect(location.origin).not.toBe(sandbox.storageUrl);
    expect(location.pathname).toBe(signed.pathname);
    expect(sha256(await bytesOf(await fetch(location)))).toBe(truth.sha256);
    expect(sandbox.control.requests("storage").at(-1)).toMatchObject({ listener: "cleartext", status: 200 });
  });

  it("to other-origin: the signed path on the elsewhere origin, which serves the object and records what the client sent", async () => {
    sandbox.control.inject({ route: "downloadJob", fault: { kind: "storage-redirect", to: "other-origin", status: 307 } });
    const response = await download();
    expect(response.status).toBe(307);
    const location = response.headers.get("location")!;
    expect(location.startsWith(`${sandbox.elsewhereUrl}/results/${jobId}?expires=`)).toBe(true);
    expect(sha256(await bytesOf(await fetch(location)))).toBe(truth.sha256);
    expect(Object.keys(sandbox.control.elsewhere().at(-1)!.headers)).not.toContain("authorization");
    const leaked = await (await rawRequest(location, { headers: { ...API_HEADERS, ...CUSTOM } })).done;
    expect(leaked.body.toString()).toContain("Only one auth mechanism allowed");
    expect(sandbox.control.elsewhere().at(-1)!.headers).toMatchObject({ authorization: API_HEADERS["Authorization"], "x-api-key": CUSTOM["X-Api-Key"] });
  });

  it("to data: a data:text/csv URL whose content is not the result", async () => {
    sandbox.control.inject({ route: "downloadJob", fault: { kind: "storage-redirect", to: "data" } });
    const location = (await download()).headers.get("location")!;
    expect(location.startsWith("data:text/csv;charset=utf-8,")).toBe(true);
    const decoy = await bytesOf(await fetch(location));
    expect(decoy.toString()).toContain("not-the-result");
    expect(sha256(decoy)).not.toBe(truth.sha256);
  });

  it.each([
    ["http", () => sandbox.cleartextStorageUrl],
    ["other-origin", () => sandbox.elsewhereUrl],
  ] as const)("on storage itself, to %s: the signed URL answers a redirect to the same signed path there", async (to, origin) => {
    const signed = new URL(await signedUrlOf(sandbox, jobId));
    sandbox.control.inject({ route: "storage", fault: { kind: "storage-redirect", to } });
    const response = await fetch(signed, { redirect: "manual" });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`${origin()}${signed.pathname}${signed.search}`);
    expect((await fetch(response.headers.get("location")!)).status).toBe(200);
  });

  it("on storage itself, to data, and never before the signature is checked", async () => {
    const signed = new URL(await signedUrlOf(sandbox, jobId));
    sandbox.control.inject({ route: "storage", fault: { kind: "storage-redirect", to: "data" } });
    expect((await fetch(signed, { redirect: "manual" })).headers.get("location")).toMatch(/^data:text\/csv;charset=utf-8,/);
    signed.searchParams.set("expires", "1");
    sandbox.control.inject({ route: "storage", fault: { kind: "storage-redirect", to: "data" } });
    expect((await fetch(signed, { redirect: "manual" })).status).toBe(403);
  });

  it("leaves a Download that is no redirect as it is", async () => {
    sandbox.control.inject({ route: "downloadJob", fault: { kind: "storage-redirect", to: "data" } });
    const streamed = await fetch(`${sandbox.url}${jobPath()}/Download?Mode=Stream`, { headers: API_HEADERS });
    expect(sha256(await bytesOf(streamed))).toBe(truth.sha256);
  });
});
