import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSandbox, type Sandbox } from "@impactkit/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { impactkit, onTerminal } from "./testing/support.js";

const ACCOUNT = { accountSid: "IRFLAGS00001", authToken: "flags-token-Secret-7" };
const BASIC = Buffer.from(`${ACCOUNT.accountSid}:${ACCOUNT.authToken}`).toString("base64");
const ESCAPE = "\u001b[";
let sandbox: Sandbox;
let dir: string;

beforeAll(async () => {
  sandbox = await startSandbox({ accounts: [ACCOUNT], clock: { timeScale: 1_000 }, job: { queueMs: 0, runMs: 1_000, rows: 20 } });
  dir = mkdtempSync(join(tmpdir(), "impactkit-flags-"));
});
afterAll(async () => {
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

const env = (extra: Record<string, string> = {}) => ({
  IMPACT_API: "partner-v15",
  IMPACT_ACCOUNT_SID: ACCOUNT.accountSid,
  IMPACT_AUTH_TOKEN: ACCOUNT.authToken,
  IMPACT_BASE_URL: sandbox.url,
  ...extra,
});
const exportArgs = (day: string, file: string) => [
  "export",
  "report",
  "mp_action_listing_fast",
  "-p",
  `START_DATE=${day}`,
  "-p",
  `END_DATE=${day}`,
  "-o",
  join(dir, file),
];

describe("--quiet", () => {
  it("prints the result and nothing else: no notice, no progress", async () => {
    const talkative = await impactkit(exportArgs("2026-11-01", "talkative.csv"), env());
    expect(talkative.code, talkative.stderr).toBe(0);
    expect(talkative.stderr).not.toBe("");
    const quiet = await impactkit([...exportArgs("2026-11-02", "quiet.csv"), "--quiet"], env());
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).toBe("");
    expect(quiet.stdout).not.toBe("");
    expect(existsSync(join(dir, "quiet.csv"))).toBe(true);
    const short = await impactkit(["jobs", "list", "-q"], env());
    expect(short.code, short.stderr).toBe(0);
    expect(short.stderr).toBe("");
  });
});

describe("--debug", () => {
  it("shows each API request with its query, a storage request without its signed query, and never a credential", async () => {
    const listed = await impactkit(["jobs", "list", "--created-after", "7d", "--debug"], env());
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stderr).toMatch(
      new RegExp(`→ api GET http://127\\.0\\.0\\.1:\\d+/Mediapartners/${ACCOUNT.accountSid}/Jobs\\?.*CreatedAfter=\\d{4}-\\d{2}-\\d{2}`),
    );
    const verbose = await impactkit(["jobs", "list", "--created-after", "7d", "-v"], env());
    expect(verbose.stderr).toMatch(/→ api GET \S+\/Jobs\n/);
    const downloaded = await impactkit([...exportArgs("2026-11-03", "debug.csv"), "--debug"], env());
    expect(downloaded.code, downloaded.stderr).toBe(0);
    const storage = downloaded.stderr.split("\n").filter((line) => line.startsWith("→ storage"));
    expect(storage.length).toBeGreaterThan(0);
    for (const line of storage) expect(line).toMatch(/^→ storage GET \S+\?…$/);
    for (const run of [listed, downloaded]) {
      expect(run.stderr + run.stdout).not.toContain(ACCOUNT.authToken);
      expect(run.stderr + run.stdout).not.toContain(BASIC);
    }
  });
});

describe("colour", () => {
  const failing = ["jobs", "get", "not-a-job-id"];

  it("colours errors and statuses where FORCE_COLOR asks, and never with --no-color or NO_COLOR", async () => {
    const forced = await impactkit(failing, env({ FORCE_COLOR: "1" }));
    expect(forced.code).toBe(2);
    expect(forced.stderr).toContain(`${ESCAPE}31mimpactkit: `);
    const listed = await impactkit(["jobs", "list"], env({ FORCE_COLOR: "1" }));
    expect(listed.stdout).toContain(`${ESCAPE}32mCOMPLETED${ESCAPE}39m`);
    for (const run of [
      await impactkit([...failing, "--no-color"], env({ FORCE_COLOR: "1" })),
      await impactkit(failing, env({ FORCE_COLOR: "1", NO_COLOR: "1" })),
      await impactkit(["jobs", "list", "--no-color"], env({ FORCE_COLOR: "1" })),
      await impactkit(failing, env()),
    ])
      expect(run.stdout + run.stderr).not.toContain(ESCAPE);
  });

  it("colours an error on a terminal, and not with NO_COLOR", async () => {
    expect(await onTerminal(failing, env())).toContain(`${ESCAPE}31mimpactkit: `);
    expect(await onTerminal(failing, env({ NO_COLOR: "1" }))).not.toContain(`${ESCAPE}31m`);
  });
});
