import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSandbox, type Sandbox } from "@impactkit/sandbox";
import { rawServer, startProxy, type TestProxy } from "@impactkit/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { impactkit, messages, type Run } from "./testing/support.js";

const TOKEN = "tok-net-Secret-5";
const SID = "IRCLINET01";
const PROXY_SECRET = "pr0xy-Secret-7";
let sandbox: Sandbox;
let dir: string;
let proxy: TestProxy;
const runs: Run[] = [];

const env = (extra: Record<string, string> = {}) => ({
  IMPACT_ACCOUNT_SID: SID,
  IMPACT_AUTH_TOKEN: TOKEN,
  IMPACT_API: "partner-v15",
  IMPACT_BASE_URL: sandbox.url,
  ...extra,
});
async function cli(args: string[], environment: Record<string, string> = env()): Promise<Run> {
  const run = await impactkit(args, environment);
  runs.push(run);
  return run;
}

beforeAll(async () => {
  sandbox = await startSandbox({
    accounts: [{ accountSid: SID, authToken: TOKEN }],
    clock: { timeScale: 1_000 },
    job: { queueMs: 0, runMs: 1_000, rows: 200 },
  });
});
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "impactkit-cli-net-"));
  proxy = await startProxy({ credentials: `corp:${PROXY_SECRET}` });
});
afterEach(async () => {
  await proxy.close();
  rmSync(dir, { recursive: true, force: true });
});
afterAll(async () => {
  for (const run of runs)
    expect(run.stdout + run.stderr).not.toMatch(new RegExp(`${TOKEN}|${PROXY_SECRET}|${Buffer.from(`corp:${PROXY_SECRET}`).toString("base64")}`));
  await sandbox.close();
});

const proxyWithCredentials = () => `http://corp:${PROXY_SECRET}@${new URL(proxy.url).host}`;

describe("impactkit behind a proxy", () => {
  it("sends every request through HTTP_PROXY: the API calls and the storage hop of a download", async () => {
    const scheduled = await cli(
      [
        "export",
        "report",
        "mp_action_listing_fast",
        "-p",
        "START_DATE=2026-11-01",
        "-p",
        "END_DATE=2026-11-01",
        "-o",
        join(dir, "r.csv"),
        "--first-check",
        "10ms",
        "--json",
        "--verbose",
      ],
      env({ HTTP_PROXY: proxyWithCredentials() }),
    );
    expect(scheduled.code).toBe(0);
    const { Id: jobId } = JSON.parse(scheduled.stdout) as { Id: string };
    expect(
      createHash("sha256")
        .update(readFileSync(join(dir, "r.csv")))
        .digest("hex"),
    ).toBe((await sandbox.control.result(jobId)).sha256);
    const targets = proxy.seen.map((request) => new URL(request.target));
    expect(targets.some((url) => url.pathname.endsWith("/ReportExport/mp_action_listing_fast"))).toBe(true);
    expect(targets.some((url) => url.origin === sandbox.storageUrl)).toBe(true);
    expect(proxy.seen.every((request) => request.authorization === `Basic ${Buffer.from(`corp:${PROXY_SECRET}`).toString("base64")}`)).toBe(true);
  });

  it("--proxy beats the variables, and --no-proxy connects directly whatever they say", async () => {
    const dead = await rawServer(() => undefined);
    const { port } = new URL(dead.url);
    await dead.close();
    expect((await cli(["jobs", "list", "--proxy", proxyWithCredentials()], env({ HTTP_PROXY: `http://127.0.0.1:${port}` }))).code).toBe(0);
    expect(proxy.seen).toHaveLength(1);
    expect((await cli(["jobs", "list", "--no-proxy"], env({ HTTP_PROXY: `http://127.0.0.1:${port}` }))).code).toBe(0);
    expect(proxy.seen).toHaveLength(1);
  });

  it("an unreachable proxy is an error naming it, never its credentials (exit 1)", async () => {
    const dead = await rawServer(() => undefined);
    const { port } = new URL(dead.url);
    await dead.close();
    const run = await cli(
      ["jobs", "list", "--verbose", "--timeout", "1s"],
      env({ HTTPS_PROXY: `http://corp:${PROXY_SECRET}@127.0.0.1:${port}`, HTTP_PROXY: `http://corp:${PROXY_SECRET}@127.0.0.1:${port}` }),
    );
    expect(run.code).toBe(1);
    expect(messages(run.stderr)).toMatch(
      new RegExp(`^impactkit: GET /Jobs failed: cannot reach the proxy http://127\\.0\\.0\\.1:${port}: connect ECONNREFUSED 127\\.0\\.0\\.1:${port}\\n$`),
    );
  });

  it.each([
    [
      ["--proxy", "ftp://proxy.example:21"],
      "impactkit: --proxy must be an http, https or socks5 URL such as http://proxy.example:3128, got ftp://proxy.example\n",
    ],
    [["--connect-timeout", "soon"], 'impactkit: --connect-timeout takes a duration such as 90s, 30m or 2h, got "soon"\n'],
    [["--request-timeout", "0"], 'impactkit: --request-timeout takes a duration above 0, such as 90s, 30m or 2h, got "0"\n'],
    [["--timeout", "0s"], 'impactkit: --timeout takes a duration above 0, such as 90s, 30m or 2h, got "0s"\n'],
  ])("refuses %j before any request (exit 2)", async (flags, message) => {
    sandbox.control.clearRequests();
    const run = await cli(["jobs", "list", ...flags]);
    expect([run.code, messages(run.stderr)]).toEqual([2, message]);
    expect(sandbox.control.requests()).toEqual([]);
  });

  it("refuses a proxy variable that is no proxy URL, naming the variable (exit 2)", async () => {
    const run = await cli(["jobs", "list"], env({ HTTPS_PROXY: "ftp://proxy.example:21" }));
    expect([run.code, messages(run.stderr)]).toEqual([
      2,
      "impactkit: the HTTPS_PROXY variable: HTTPS_PROXY must be an http, https or socks5 URL such as http://proxy.example:3128, got ftp://proxy.example\n",
    ]);
  });
});

describe("impactkit against a host that accepts and never answers", () => {
  it("jobs list gives up after --timeout, naming the host (exit 1)", async () => {
    const silent = await rawServer(() => undefined);
    try {
      const run = await cli(["jobs", "list", "--timeout", "2s", "--request-timeout", "500ms"], env({ IMPACT_BASE_URL: silent.url }));
      expect(run.code).toBe(1);
      expect(messages(run.stderr)).toMatch(
        new RegExp(
          `^impactkit: GET /Jobs failed: cannot reach ${silent.url.replace("http://", "").replaceAll(".", "\\.")}: no response within \\d+(\\.\\d)?s\\n$`,
        ),
      );
    } finally {
      await silent.close();
    }
  });

  it("jobs wait says it cannot reach the API, not that the job did not finish (exit 1, not 5)", async () => {
    const silent = await rawServer(() => undefined);
    try {
      const run = await cli(
        ["jobs", "wait", "d8807a9f-a5ee-4e3f-ad2b-3dfd19d1915f", "--timeout", "9s", "--first-check", "0s"],
        env({ IMPACT_BASE_URL: silent.url }),
      );
      expect(run.code).toBe(1);
      expect(messages(run.stderr)).toMatch(
        new RegExp(
          `^impactkit: Waiting for job d8807a9f-a5ee-4e3f-ad2b-3dfd19d1915f failed: cannot reach ${silent.url.replace("http://", "").replaceAll(".", "\\.")}: no answer for \\d+ s\\n$`,
        ),
      );
    } finally {
      await silent.close();
    }
  });

  it("refuses --connections outside 1 to 32 before anything is sent (exit 2)", async () => {
    const run = await cli(["jobs", "download", "d8807a9f-a5ee-4e3f-ad2b-3dfd19d1915f", "-o", join(dir, "r.csv"), "--connections", "0"]);
    expect([run.code, messages(run.stderr)]).toEqual([2, 'impactkit: --connections takes a whole number from 1 to 32, got "0"\n']);
  });
});
