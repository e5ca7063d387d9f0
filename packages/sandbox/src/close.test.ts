import { describe, expect, it } from "vitest";
import { startSandbox } from "./sandbox.js";
import { API_HEADERS, completedJob, rawRequest, signedUrlOf } from "./testing/support.js";

const handles = () => process.getActiveResourcesInfo().filter((kind) => kind === "TCPServerWrap" || kind === "TCPSocketWrap" || kind === "Timeout");

describe("close()", () => {
  it("leaves no server, socket or timer open, even with stalled, slow, trickling and redirected responses in flight", async () => {
    const before = handles().length;
    const sandbox = await startSandbox({ clock: "manual", job: { queueMs: 0, runMs: 0, rows: 5_000 }, signedUrlTtlMs: 3_600_000 });
    const jobId = await completedJob(sandbox);
    const signedUrl = await signedUrlOf(sandbox, jobId);
    // The partner list (its paging envelope): at 1 byte a second its body lasts minutes, however loaded the machine.
    const list = `${sandbox.url}/Mediapartners/IRSANDBOX0001/Jobs`;
    sandbox.control.inject({ route: "listJobs", fault: { kind: "stall", ms: 60_000 } });
    sandbox.control.inject({ route: "listJobs", fault: { kind: "stall" } });
    sandbox.control.inject({ route: "listJobs", fault: { kind: "body-stall", ms: 60_000 } });
    sandbox.control.inject({ route: "listJobs", fault: { kind: "slow", bytesPerSecond: 1 } });
    sandbox.control.inject({ route: "storage", fault: { kind: "body-stall", afterBytes: 1_000 } });
    sandbox.control.inject({ route: "storage", fault: { kind: "trickle", bytes: 1, intervalMs: 60_000 } });
    sandbox.control.inject({ route: "storage", fault: { kind: "object-changed", afterBytes: 1_000 } });
    sandbox.control.inject({ route: "getJob", fault: { kind: "redirect" } });
    const stalled = [fetch(list, { headers: API_HEADERS }), fetch(list, { headers: API_HEADERS })];
    const started = [rawRequest(list, { headers: API_HEADERS }), rawRequest(list, { headers: API_HEADERS }), rawRequest(signedUrl), rawRequest(signedUrl)];
    const dripping = await Promise.all(started);
    await Promise.all(dripping.map((response) => response.bytes(1)));
    const broken = await (await rawRequest(signedUrl)).done;
    expect(broken.ended).toBe(false);
    const redirected = await fetch(`${sandbox.url}/Mediapartners/IRSANDBOX0001/Jobs/${jobId}`, { headers: API_HEADERS });
    expect(await redirected.json()).toMatchObject({ Id: jobId });
    expect(sandbox.control.elsewhere()).toHaveLength(1);
    for (let waited = 0; sandbox.control.requests("api").filter((entry) => entry.fault === "stall").length < 2 && waited < 400; waited += 1)
      await new Promise((resolve) => setTimeout(resolve, 25));
    expect(sandbox.control.requests("api").filter((entry) => entry.fault === "stall")).toHaveLength(2);
    await sandbox.close();
    const outcomes = await Promise.allSettled(stalled);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["rejected", "rejected"]);
    expect((await Promise.all(dripping.map((response) => response.done))).map((outcome) => outcome.ended)).toEqual([false, false, false, false]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(handles().length).toBeLessThanOrEqual(before);
  });
});
