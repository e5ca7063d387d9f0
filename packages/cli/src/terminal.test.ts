import { execFile } from "node:child_process";
import { startSandbox, type Sandbox } from "@impactkit/sandbox";
import { machineEnv } from "@impactkit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobBody, sendJson, startFakeApi, type FakeApi } from "@impactkit/jobs/testing";
import { BIN, impactkit, JOB_FIELDS } from "./testing/support.js";

const ACCOUNT = { accountSid: "IRTTY0001", authToken: "tok-tty-Secret-3" };
let sandbox: Sandbox;
const env = () => ({
  ...machineEnv(),
  IMPACT_ACCOUNT_SID: ACCOUNT.accountSid,
  IMPACT_AUTH_TOKEN: ACCOUNT.authToken,
  IMPACT_API: "partner-v15",
  IMPACT_BASE_URL: sandbox.url,
  TERM: "xterm-256color",
  COLUMNS: "200",
});

beforeAll(async () => {
  sandbox = await startSandbox({ accounts: [ACCOUNT], clock: { timeScale: 100 }, job: { queueMs: 2_000, runMs: 200_000, rows: 50 } });
});
afterAll(() => sandbox.close());

/**
 * Runs `impactkit args` in a pseudo-terminal (util-linux `script`, stdin, stdout and stderr all on it) and
 * resolves with what the terminal received, escape sequences and all.
 */
function onTerminal(args: string[], environment: Record<string, string> = env()): Promise<{ code: number; screen: string }> {
  const command = [process.execPath, BIN, ...args].map((word) => `'${word.replaceAll("'", "'\\''")}'`).join(" ");
  return new Promise((resolve) => {
    execFile("script", ["-qefc", command, "/dev/null"], { env: environment, encoding: "utf8" }, (error, stdout) =>
      resolve({ code: error ? Number(error.code) : 0, screen: stdout }),
    );
  });
}

/** Each state the bar was drawn in: the text between carriage returns and cursor moves, escape sequences removed. */
const frames = (screen: string) =>
  screen
    .replace(/\u001b\[[0-9;?]*[A-Za-z]/g, "\n")
    .split(/[\r\n]+/)
    .map((frame) => frame.trim())
    .filter((frame) => frame.length > 0);

describe("the wait bar on a terminal", () => {
  it("shows the job id, says checking until the first check answers, then the status, time waited and ETA", async () => {
    const scheduled = await impactkit(
      ["export", "report", "mp_action_listing_fast", "-p", "START_DATE=2026-11-01", "-p", "END_DATE=2026-11-02", "--json"],
      env(),
    );
    const id = JSON.parse(scheduled.stdout).Id as string;
    const { code, screen } = await onTerminal(["jobs", "wait", id, "--first-check", "3s"]);
    expect(code).toBe(0);
    const bars = frames(screen).filter((frame) => frame.startsWith(`waiting ${id} `));
    expect(bars[0]).toMatch(new RegExp(`^waiting ${id} checking \\[-+\\] 0% \\| 0 records \\| \\d+(\\.\\d)?s \\| ETA –$`));
    expect(bars.some((frame) => /^waiting \S+ (QUEUED|RUNNING) /.test(frame) && frames(screen).indexOf(frame) > frames(screen).indexOf(bars[0]!))).toBe(true);
    expect(bars.at(-1)).toMatch(new RegExp(`^waiting ${id} COMPLETED \\[=+\\] 100% \\| 50 records \\| \\d+(\\.\\d)?s \\| ETA 0\\.0s$`));
    // On a terminal the status is coloured.
    expect(screen).toContain(`Job ${id} \u001b[32mCOMPLETED\u001b[39m: 50 records`);
  });
});

describe("rows on a terminal", () => {
  const JOB = "5b4a3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d";
  /** A result whose cells would act on a terminal: a CSI that clears the screen, an OSC that sets its title, a C1 CSI, a bidi override. */
  const HOSTILE = "ok\u001b[2J\u001b]0;pwned\u0007\u009b31m\u202eevil";
  let api: FakeApi;
  beforeAll(async () => {
    api = await startFakeApi((_request, response, path) => {
      if (path === `/Jobs/${JOB}`) return sendJson(response, 200, jobBody("COMPLETED", { Id: JOB, ...JOB_FIELDS, PercentageComplete: "100" }));
      if (path === `/Jobs/${JOB}/Download`) {
        response.writeHead(302, { location: "/storage/rows.csv" });
        return response.end();
      }
      if (path === "/storage/rows.csv") {
        response.writeHead(200, { "content-type": "text/csv" });
        return response.end(`Id,Note\n1,${HOSTILE}\n`);
      }
      sendJson(response, 404, { Message: "Not Found" });
    });
  });
  afterAll(() => api.close());

  it.each([["jsonl"], ["csv"]])("records --format %s cleans the server's control characters before they reach the terminal", async (format) => {
    const { code, screen } = await onTerminal(["records", JOB, "--format", format], { ...env(), IMPACT_BASE_URL: api.url });
    expect(code).toBe(0);
    expect(screen).toContain("ok");
    expect(screen).toContain("evil");
    for (const acting of ["\u001b[2J", "\u001b]0;", "\u0007", "\u009b", "\u202e"]) expect(screen, JSON.stringify(acting)).not.toContain(acting);
  });
});
