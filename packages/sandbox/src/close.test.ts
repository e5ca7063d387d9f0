import { describe, expect, it } from "vitest";
import { startSandbox } from "./sandbox.js";

const handles = () => process.getActiveResourcesInfo().filter((kind) => kind === "TCPServerWrap" || kind === "TCPSocketWrap" || kind === "Timeout");

describe("close()", () => {
  it("leaves no server, socket or timer open, even with a stalled and a slow response in flight", async () => {
    const before = handles().length;
    const sandbox = await startSandbox({ clock: "manual" });
    const headers = { Authorization: `Basic ${Buffer.from("IRSANDBOX0001:sandbox-token").toString("base64")}`, Accept: "application/json" };
    sandbox.control.inject({ route: "listJobs", fault: { kind: "stall", ms: 60_000 } });
    sandbox.control.inject({ route: "listJobs", fault: { kind: "stall" } });
    const stalled = [fetch(`${sandbox.url}/Agencies/IRSANDBOX0001/Jobs`, { headers }), fetch(`${sandbox.url}/Agencies/IRSANDBOX0001/Jobs`, { headers })];
    for (let waited = 0; sandbox.control.requests("api").length < 2 && waited < 400; waited += 1) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(sandbox.control.requests("api")).toHaveLength(2);
    await sandbox.close();
    const outcomes = await Promise.allSettled(stalled);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["rejected", "rejected"]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(handles().length).toBeLessThanOrEqual(before);
  });
});
