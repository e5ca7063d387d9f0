import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "./sandbox.js";

let sandbox: Sandbox;
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

beforeAll(async () => {
  sandbox = await startSandbox({
    clock: "manual",
    accounts: [
      { accountSid: "IRA", authToken: "token-a" },
      { accountSid: "IRB", authToken: "token-b" },
      { accountSid: "IRP", authToken: "token-p", flavors: ["partner-v15"] },
    ],
  });
});
afterAll(async () => {
  expect(sandbox.control.violations()).toEqual([]);
  await sandbox.close();
});

async function call(path: string, authorization?: string) {
  const response = await fetch(`${sandbox.url}${path}`, {
    headers: { Accept: "application/json", ...(authorization ? { Authorization: authorization } : {}) },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, headers: response.headers };
}

describe("HTTP Basic auth and account isolation", () => {
  it.each([
    ["no credentials", undefined],
    ["a wrong token", basic("IRA", "token-b")],
    ["an unknown account", basic("IRZ", "token-a")],
    ["a malformed header", "Bearer token-a"],
    ["another account's credentials for this path", basic("IRB", "token-b")],
  ])("answers 401 with the envelope for %s", async (_case, authorization) => {
    const { status, body, headers } = await call("/Mediapartners/IRA/Jobs", authorization);
    expect(status).toBe(401);
    expect(body).toEqual({ Status: "ERROR", Message: "Unauthorized. Check that your Account SID and Auth Token are correct." });
    expect(headers.get("www-authenticate")).toBe('Basic realm="impact.com"');
  });

  it("keeps an account to its flavors", async () => {
    expect((await call("/Mediapartners/IRP/Jobs", basic("IRP", "token-p"))).status).toBe(200);
    expect((await call("/Advertisers/IRP/Jobs", basic("IRP", "token-p"))).status).toBe(401);
  });

  it("hides a job of account A from account B (404), and from A's other flavors", async () => {
    const queued = await call("/Mediapartners/IRA/ReportExport/mp_action_listing_fast?START_DATE=2026-11-01&END_DATE=2026-11-02", basic("IRA", "token-a"));
    const jobPath = String(queued.body["QueuedUri"]).replace("/Mediapartners/IRA", "");
    expect((await call(`/Mediapartners/IRA${jobPath}`, basic("IRA", "token-a"))).status).toBe(200);
    const other = await call(`/Mediapartners/IRB${jobPath}`, basic("IRB", "token-b"));
    expect(other.status).toBe(404);
    expect(other.body).toMatchObject({ Status: "ERROR" });
    expect((await call(`/Mediapartners/IRB${jobPath}/Download`, basic("IRB", "token-b"))).status).toBe(404);
    expect((await call(`/Advertisers/IRA${jobPath}`, basic("IRA", "token-a"))).status).toBe(404);
    expect(((await call("/Mediapartners/IRB/Jobs", basic("IRB", "token-b"))).body["Jobs"] as unknown[]).length).toBe(0);
  });

  it("redacts credentials in its request log", () => {
    const logged = sandbox.control.requests("api");
    expect(logged.length).toBeGreaterThan(0);
    for (const entry of logged.filter((request) => "authorization" in request.headers)) expect(entry.headers["authorization"]).toBe("[redacted]");
    expect(JSON.stringify(logged)).not.toMatch(/token-[abp]|SVJB|SVJC/);
  });
});
