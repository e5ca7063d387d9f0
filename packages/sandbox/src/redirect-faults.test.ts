import { describe, expect, it } from "vitest";
import { API_HEADERS, bytesOf, rawRequest, sha256, signedUrlOf, storedResult } from "./testing/support.js";

const stored = storedResult(500);
const CUSTOM = { "X-Api-Key": "custom-key-never-leak" };

const jobPath = () => `/Mediapartners/IRSANDBOX0001/Jobs/${stored.jobId}`;
const download = (fetchOptions: RequestInit = {}) =>
  fetch(`${stored.sandbox.url}${jobPath()}/Download`, { headers: API_HEADERS, redirect: "manual", ...fetchOptions });

describe("redirect", () => {
  it("answers 302 to the same path and query on the elsewhere origin, which records a follower's headers unredacted", async () => {
    stored.sandbox.control.inject({ route: "getJob", fault: { kind: "redirect" } });
    const response = await fetch(`${stored.sandbox.url}${jobPath()}?trace=1`, { headers: API_HEADERS, redirect: "manual" });
    expect(response.status).toBe(302);
    const location = response.headers.get("location")!;
    expect(location).toBe(`${stored.sandbox.elsewhereUrl}${jobPath()}?trace=1`);
    expect(stored.sandbox.control.requests("api").at(-1)).toMatchObject({ status: 302, fault: "redirect" });

    const followed = await (await rawRequest(location, { headers: { ...API_HEADERS, ...CUSTOM } })).done;
    expect(JSON.parse(followed.body.toString())).toEqual(stored.sandbox.control.job(stored.jobId).wire);
    expect(stored.sandbox.control.elsewhere().at(-1)).toEqual({
      method: "GET",
      path: jobPath(),
      query: { trace: "1" },
      headers: expect.objectContaining({ authorization: API_HEADERS["Authorization"], "x-api-key": CUSTOM["X-Api-Key"] }),
    });
  });

  it("uses the status asked for, and the route does not run: a followed 308 repeats the PUT elsewhere, no replay is made", async () => {
    const jobs = stored.sandbox.control.jobs().length;
    stored.sandbox.control.inject({ route: "replayJob", fault: { kind: "redirect", status: 308 } });
    const response = await fetch(`${stored.sandbox.url}${jobPath()}/Replay`, { method: "PUT", headers: API_HEADERS, redirect: "manual" });
    expect(response.status).toBe(308);
    await (await rawRequest(response.headers.get("location")!, { method: "PUT" })).done;
    expect(stored.sandbox.control.elsewhere().at(-1)).toMatchObject({ method: "PUT", path: `${jobPath()}/Replay` });
    expect(stored.sandbox.control.jobs()).toHaveLength(jobs);
  });

  it("answers any path it does not know with a Job-shaped stand-in", async () => {
    const body = await (await fetch(`${stored.sandbox.elsewhereUrl}/Mediapartners/IRSANDBOX0001/Jobs`)).json();
    expect(body).toMatchObject({ Id: "00000000-0000-4000-8000-000000000000", Status: "COMPLETED" });
  });
});

describe("storage-redirect", () => {
  it("to http: Download's Location is the signed URL on the storage origin's cleartext listener, which serves the result", async () => {
    const signed = new URL(await signedUrlOf(stored.sandbox, stored.jobId));
    stored.sandbox.control.inject({ route: "downloadJob", fault: { kind: "storage-redirect", to: "http" } });
    const response = await download();
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get("location")!);
    expect(location.origin).toBe(stored.sandbox.cleartextStorageUrl);
    expect(location.origin).not.toBe(stored.sandbox.storageUrl);
    expect(location.pathname).toBe(signed.pathname);
    expect(sha256(await bytesOf(await fetch(location)))).toBe(stored.truth.sha256);
    expect(stored.sandbox.control.requests("storage").at(-1)).toMatchObject({ listener: "cleartext", status: 200 });
  });

  it("to other-origin: the signed path on the elsewhere origin, which serves the object and records what the client sent", async () => {
    stored.sandbox.control.inject({ route: "downloadJob", fault: { kind: "storage-redirect", to: "other-origin", status: 307 } });
    const response = await download();
    expect(response.status).toBe(307);
    const location = response.headers.get("location")!;
    expect(location.startsWith(`${stored.sandbox.elsewhereUrl}/results/${stored.jobId}?expires=`)).toBe(true);
    expect(sha256(await bytesOf(await fetch(location)))).toBe(stored.truth.sha256);
    expect(Object.keys(stored.sandbox.control.elsewhere().at(-1)!.headers)).not.toContain("authorization");
    const leaked = await (await rawRequest(location, { headers: { ...API_HEADERS, ...CUSTOM } })).done;
    expect(leaked.body.toString()).toContain("Only one auth mechanism allowed");
    expect(stored.sandbox.control.elsewhere().at(-1)!.headers).toMatchObject({ authorization: API_HEADERS["Authorization"], "x-api-key": CUSTOM["X-Api-Key"] });
  });

  it("to data: a data:text/csv URL whose content is not the result", async () => {
    stored.sandbox.control.inject({ route: "downloadJob", fault: { kind: "storage-redirect", to: "data" } });
    const location = (await download()).headers.get("location")!;
    expect(location.startsWith("data:text/csv;charset=utf-8,")).toBe(true);
    const decoy = await bytesOf(await fetch(location));
    expect(decoy.toString()).toContain("not-the-result");
    expect(sha256(decoy)).not.toBe(stored.truth.sha256);
  });

  it.each([
    ["http", () => stored.sandbox.cleartextStorageUrl],
    ["other-origin", () => stored.sandbox.elsewhereUrl],
  ] as const)("on storage itself, to %s: the signed URL answers a redirect to the same signed path there", async (to, origin) => {
    const signed = new URL(await signedUrlOf(stored.sandbox, stored.jobId));
    stored.sandbox.control.inject({ route: "storage", fault: { kind: "storage-redirect", to } });
    const response = await fetch(signed, { redirect: "manual" });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`${origin()}${signed.pathname}${signed.search}`);
    expect((await fetch(response.headers.get("location")!)).status).toBe(200);
  });

  it("on storage itself, to data, and never before the signature is checked", async () => {
    const signed = new URL(await signedUrlOf(stored.sandbox, stored.jobId));
    stored.sandbox.control.inject({ route: "storage", fault: { kind: "storage-redirect", to: "data" } });
    expect((await fetch(signed, { redirect: "manual" })).headers.get("location")).toMatch(/^data:text\/csv;charset=utf-8,/);
    signed.searchParams.set("expires", "1");
    stored.sandbox.control.inject({ route: "storage", fault: { kind: "storage-redirect", to: "data" } });
    expect((await fetch(signed, { redirect: "manual" })).status).toBe(403);
  });

  it("leaves a Download that is no redirect as it is", async () => {
    stored.sandbox.control.inject({ route: "downloadJob", fault: { kind: "storage-redirect", to: "data" } });
    const streamed = await fetch(`${stored.sandbox.url}${jobPath()}/Download?Mode=Stream`, { headers: API_HEADERS });
    expect(sha256(await bytesOf(streamed))).toBe(stored.truth.sha256);
  });
});
