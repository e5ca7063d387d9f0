import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Sandbox } from "@impactkit/sandbox";
import { machineEnv } from "@impactkit/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { impactkit, messages, type Run, type SandboxedCli, sandboxedCli, start } from "./testing/support.js";

let cli: SandboxedCli["cli"];
let env: SandboxedCli["env"];
let keep: SandboxedCli["keep"];
let close: () => Promise<void>;
let sandbox: Sandbox;
let dir: string;

const json = (run: Run) => JSON.parse(run.stdout) as Record<string, any>;
const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

beforeAll(async () => {
  ({ cli, env, keep, close, sandbox } = await sandboxedCli("IRCLITEST01", "tok-7Hq2-secret-9Zx", {
    clock: { timeScale: 1_000 },
    job: { queueMs: 0, runMs: 1_000, rows: 500 },
  }));
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "impactkit-cli-"));
  sandbox.control.clearFaults();
});
afterAll(() => close());

async function exportReport(extra: string[] = []): Promise<string> {
  const run = await cli(["export", "report", "mp_action_listing_fast", "-p", "START_DATE=2026-11-01", "-p", "END_DATE=2026-11-02", "--json", ...extra]);
  expect(run.code).toBe(0);
  return json(run)["Id"] as string;
}

describe("impactkit against the sandbox", () => {
  it("exports a report, waits, downloads, and prints one JSON document", async () => {
    const run = await cli([
      "export",
      "report",
      "mp_action_listing_fast",
      "-p",
      "START_DATE=2026-11-03",
      "-p",
      "END_DATE=2026-11-03",
      "--result-format",
      "json",
      "-o",
      join(dir, "r.json"),
      "--first-check",
      "10ms",
      "--json",
      "--verbose",
    ]);
    expect(run.code).toBe(0);
    const result = json(run);
    expect(result["job"]).toMatchObject({ Id: result["Id"], Status: "COMPLETED", RecordsProcessed: 500, PercentageComplete: 100, Replayable: true });
    expect(result["download"]).toEqual({ path: join(dir, "r.json"), bytes: (await sandbox.control.result(result["Id"])).size });
    expect(sha256(join(dir, "r.json"))).toBe((await sandbox.control.result(result["Id"])).sha256);
    expect(run.stderr).toMatch(/→ api GET http:\/\/127\.0\.0\.1:\d+\/Mediapartners\/IRCLITEST01\/ReportExport\/mp_action_listing_fast/);
    expect(run.stderr).toMatch(/→ storage GET http:\/\/127\.0\.0\.1:\d+\/results\/[0-9a-f-]+\n/);
    expect(run.stderr).not.toContain("signature=");
    // The job id on stderr as soon as it was scheduled, before the wait: stdout holds the one JSON document.
    expect(run.stderr).toContain(`Scheduled job ${result["Id"]}; if interrupted: impactkit jobs wait ${result["Id"]}`);
    expect(run.stderr.indexOf(`Scheduled job ${result["Id"]}`)).toBeLessThan(run.stderr.indexOf("/Download"));
  });

  it("speaks Partner v16 with --api partner-v16: IR-Version 16 on every request, and the sandbox serves it as that release", async () => {
    const run = await cli([
      "export",
      "report",
      "mp_action_listing_fast",
      "--api",
      "partner-v16",
      "-p",
      "START_DATE=2026-11-04",
      "-p",
      "END_DATE=2026-11-04",
      "-o",
      join(dir, "v16.csv"),
      "--first-check",
      "10ms",
      "--json",
    ]);
    expect(run.code, run.stderr).toBe(0);
    const { Id: jobId } = json(run);
    expect(sandbox.control.job(jobId).job.flavor).toBe("partner-v16");
    expect(sha256(join(dir, "v16.csv"))).toBe((await sandbox.control.result(jobId)).sha256);
    const spoken = sandbox.control
      .requests("api")
      .filter((request) => request.path.includes(jobId) || request.path.endsWith("/ReportExport/mp_action_listing_fast"))
      .map((request) => request.headers["ir-version"]);
    expect(new Set(spoken.slice(-3))).toEqual(new Set(["16"]));
  });

  it("reports list and describe on every release; a typo in a filter or a missing date is a usage error before anything is scheduled, a parameter the spec gives ReportExport is no typo", async () => {
    const v16 = env("partner-v16");
    const listed = await cli(["reports", "list", "--json"], v16);
    expect(listed.code, listed.stderr).toBe(0);
    expect(json(listed)["reports"].map((report: { Id: string }) => report.Id)).toContain("mp_action_listing_fast");
    expect(json(listed)["reports"].every((report: { ApiAccessible: boolean }) => report.ApiAccessible)).toBe(true);
    expect((await cli(["reports", "list", "--all"], v16)).stdout).toMatch(/^ID\s+CATEGORY\s+API\s+NAME\n[\s\S]*\bno\b/);
    const described = await cli(["reports", "describe", "mp_action_listing_fast"], v16);
    expect(described.stdout).toMatch(/^Report mp_action_listing_fast: Action listing fast\n\nFILTER\s+TYPE\nSTART_DATE\s+Date/);
    expect(described.stdout).toMatch(/\nCOLUMN\s+TYPE\s+DESCRIPTION\nActionId\s+String/);
    const before = sandbox.control.jobs().length;
    const typo = await cli(["export", "report", "mp_action_listing_fast", "-p", "START_DATE=2026-11-01", "-p", "END_DATE=2026-11-01", "-p", "SUBAIDD=7"], v16);
    expect(typo.code, typo.stderr).toBe(2);
    expect(typo.stderr).toContain(
      "SUBAIDD is not a filter of report mp_action_listing_fast; its filters are START_DATE, END_DATE, SUBAID (impactkit reports describe mp_action_listing_fast)",
    );
    const undated = await cli(["export", "report", "mp_action_listing_fast", "-p", "START_DATE=2026-11-01"], v16);
    expect(undated.code).toBe(2);
    expect(undated.stderr).toContain("ReportExport mp_action_listing_fast needs END_DATE (-p END_DATE=…)");
    expect(sandbox.control.jobs().length).toBe(before);
    for (const api of ["partner-v15", "agency-v3", "brand"]) {
      const listing = await cli(["reports", "list", "--json"], env(api));
      expect(listing.code, `${api}: ${listing.stderr}`).toBe(0);
      expect(json(listing)["reports"].map((report: { Id: string }) => report.Id)).toContain("mp_action_listing_fast");
    }
    const brand = await cli(
      ["export", "report", "mp_action_listing_fast", "-p", "StartDate=2026-11-01T00:00:00Z", "-p", "CONV_CURRENCY=EUR", "-p", "SUBAID=7"],
      env("brand"),
    );
    expect(brand.code, brand.stderr).toBe(0);
  });

  it("flags beat the environment: --account-sid names the account even with IMPACT_ACCOUNT_SID set", async () => {
    const other = { accountSid: "IRCLIOTHER02", authToken: "tok-other-account-8Qw" };
    sandbox.control.addAccount(other);
    const run = await cli(["jobs", "list", "--account-sid", other.accountSid, "--auth-token", other.authToken, "--json"], env());
    expect(run.code, run.stderr).toBe(0);
    const listed = sandbox.control
      .requests("api")
      .filter((request) => request.path.endsWith("/Jobs"))
      .at(-1)!;
    expect(listed.path).toBe(`/Mediapartners/${other.accountSid}/Jobs`);
    expect(run.stdout + run.stderr).not.toContain(other.authToken);
  });

  it("replaying a job that still runs exits 1 with the API's reason, not 3 (credentials)", async () => {
    // Running for a sandbox month (43 real minutes at 1,000×): still running however slow the machine.
    sandbox.control.planNext({ runMs: 30 * 86_400_000 });
    const id = await exportReport(["-p", "SUBAID=99"]);
    const run = await cli(["jobs", "replay", id]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/replay/i);
  });

  it("jobs list, get, wait, download and replay, in JSON and for people", async () => {
    const id = await exportReport();
    const list = await cli(["jobs", "list", "--created-after", "2026-01-01", "--json"]);
    expect(json(list)["jobs"].map((job: { Id: string }) => job.Id)).toContain(id);
    expect((await cli(["jobs", "list"])).stdout).toMatch(/^ID\tTYPE\tSTATUS\tDONE\tRECORDS\tCREATED\n/);
    expect(json(await cli(["jobs", "get", id, "--json"]))["job"]).toMatchObject({ Id: id, Type: "ApiReport" });
    expect((await cli(["jobs", "get", id])).stdout).toMatch(new RegExp(`^Id         ${id}\\nType       ApiReport\\n`));
    const waited = await cli(["jobs", "wait", id, "--first-check", "10ms"]);
    expect(waited.stdout).toMatch(new RegExp(`Job ${id} COMPLETED: 500 records in (\\d\\.\\ds|\\d+s|\\d+m\\d\\ds)\\n$`));
    const downloaded = await cli(["jobs", "download", id, "-o", join(dir, "a.csv"), "--json"]);
    expect(json(downloaded)).toMatchObject({ Id: id, path: join(dir, "a.csv") });
    expect(sha256(join(dir, "a.csv"))).toBe((await sandbox.control.result(id)).sha256);
    const again = await cli(["jobs", "download", id, "-o", join(dir, "a.csv"), "--stream", "--overwrite"]);
    expect(again.stdout).toMatch(/Saved .*a\.csv \(\d+(\.\d)? KiB\)\n$/);
    const replay = json(await cli(["jobs", "replay", id, "--json"]));
    expect(replay["replayOf"]).toBe(id);
    expect(replay["job"]["Id"]).not.toBe(id);
  });

  it("takes relative days: jobs list --created-after 7d, export clicks --date yesterday (UTC dates)", async () => {
    sandbox.control.clearRequests();
    const day = (back: number) => new Date(Date.now() - back * 86_400_000).toISOString().slice(0, 10);
    expect((await cli(["jobs", "list", "--created-after", "7d", "--created-before", "today", "--json"])).code).toBe(0);
    expect((await cli(["export", "clicks", "--date", "yesterday", "--json"])).code).toBe(0);
    const [list, clicks] = sandbox.control.requests();
    // A run that crosses midnight UTC sees the next day: either is the flag's meaning at some moment of the run.
    expect([day(7), day(6)]).toContain(list!.query["CreatedAfter"]);
    expect([day(0), day(-1)]).toContain(list!.query["CreatedBefore"]);
    expect([day(1), day(0)]).toContain(clicks!.query["Date"]);
  });

  it("exports clicks for partner and brand", async () => {
    const partner = json(await cli(["export", "clicks", "--date", "2026-11-24", "--program-id", "12", "--json"]));
    expect(sandbox.control.job(partner["Id"]).job).toMatchObject({ type: "ClickExport", programId: "12" });
    const brand = json(await cli(["export", "clicks", "--program-id", "777", "-p", "MediaId=1", "-p", "MediaId=2", "--json"], env("brand")));
    expect(sandbox.control.job(brand["Id"]).job).toMatchObject({ type: "ClickExport", programId: "777", params: { MediaId: ["1", "2"] } });
  });

  it("answers every command's --help with examples", async () => {
    const groups = [["jobs"], ["export"], ["reports"], ["queue"], ["profiles"]];
    for (const command of [
      [],
      ...groups,
      ["jobs", "list"],
      ["jobs", "get"],
      ["jobs", "wait"],
      ["jobs", "download"],
      ["jobs", "replay"],
      ["export", "report"],
      ["export", "clicks"],
      ["records"],
      ["profiles", "list"],
      ["demo"],
    ]) {
      const run = await cli([...command, "--help"]);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain("Usage: impactkit");
      if (command.length > 0 && command[0] !== "profiles") expect(run.stdout, command.join(" ")).toMatch(/Examples?:\n {2}(\S+=\S+ )?impactkit /);
      // Inherited flags are listed too.
      if (command.length > 0) expect(run.stdout, command.join(" ")).toMatch(/Global Options:[^]*--profile <name>[^]*--json/);
    }
    expect((await cli(["--help"])).stdout).toContain("130  interrupted (Ctrl-C); no partial file is left");
  });
});

describe("exit codes", () => {
  it("2: usage errors, found before any request", async () => {
    sandbox.control.clearRequests();
    const cases: Array<[string[], Record<string, string>, RegExp]> = [
      [["jobs", "get", "../x"], env(), /JobId must be a UUID/],
      [["jobs", "list", "--no-such-flag"], env(), /unknown option '--no-such-flag'/],
      [["jobs", "list"], { ...env(), IMPACT_API: "" }, /--api is required/],
      [["jobs", "list", "--api", "partner-v99"], env(), /argument 'partner-v99' is invalid/],
      [["jobs", "list"], { ...env(), IMPACT_AUTH_TOKEN: "" }, /credentials are required/],
      [
        ["jobs", "list", "--created-after", "2026-11-30", "--created-before", "2026-11-01"],
        env(),
        /--created-after \(2026-11-30\) is later than --created-before \(2026-11-01\)/,
      ],
      [["jobs", "list", "--created-after", "2026-02-30"], env(), /^impactkit: --created-after /],
      [["jobs", "list", "--base-url", "ftp://example.com"], env(), /^impactkit: --base-url must use http or https, got ftp\n$/],
      [["jobs", "download", "d8807a9f-a5ee-4e3f-ad2b-3dfd19d1915f", "-o", import.meta.filename], env(), /exists; pass --overwrite to replace it\n$/],
      [["jobs", "wait", "d8807a9f-a5ee-4e3f-ad2b-3dfd19d1915f", "--timeout", "soon"], env(), /--timeout takes a duration/],
      [["export", "report", "x", "-p", "oops"], env(), /--param takes KEY=VALUE/],
      [["jobs", "download", "d8807a9f-a5ee-4e3f-ad2b-3dfd19d1915f", "-o", join(tmpdir(), "missing-folder-x", "f.csv")], env(), /does not exist/],
    ];
    for (const [args, environment, message] of cases) {
      const run = await cli(args, environment);
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toMatch(/createdAfter|createdBefore|baseUrl|overwrite: true/);
    }
    const json = await cli(["jobs", "list", "--created-after", "2026-11-30", "--created-before", "2026-11-01", "--json"]);
    expect(JSON.parse(json.stderr)).toEqual({
      error: "--created-after (2026-11-30) is later than --created-before (2026-11-01)",
      exitCode: 2,
      kind: "usage",
      type: "InvalidArgumentError",
    });
    expect(sandbox.control.requests()).toEqual([]);
  });

  it("3: the API refuses the credentials", async () => {
    const run = await cli(["jobs", "list"], { ...env(), IMPACT_AUTH_TOKEN: "wrong-token-123" });
    expect(run.code).toBe(3);
    expect(run.stderr).toBe("impactkit: GET /Jobs failed with HTTP 401: Unauthorized. Check that your Account SID and Auth Token are correct.\n");
    expect(run.stdout + run.stderr).not.toContain("wrong-token-123");
    const json = await cli(["jobs", "list", "--json"], { ...env(), IMPACT_AUTH_TOKEN: "wrong-token-123" });
    expect(JSON.parse(json.stderr)).toMatchObject({ exitCode: 3, kind: "auth", type: "AuthenticationError", status: 401 });
  });

  it("4: the job failed; 5: the deadline passed", async () => {
    sandbox.control.planNext({ outcome: "FAILED" });
    const failed = await exportReport(["-p", "SUBAID=4"]);
    const run = await cli(["jobs", "wait", failed, "--first-check", "10ms", "--json"]);
    expect(run.code).toBe(4);
    expect(JSON.parse(run.stderr)).toEqual({
      error: `Job ${failed} is FAILED: Job failed after repeated errors`,
      exitCode: 4,
      kind: "jobFailed",
      type: "JobFailedError",
      job: { Id: failed, Status: "FAILED" },
    });
    sandbox.control.planNext({ runMs: 3_600_000_000 });
    const slow = await exportReport(["-p", "SUBAID=5"]);
    const timedOut = await cli(["jobs", "wait", slow, "--timeout", "1200ms", "--first-check", "10ms"]);
    expect(timedOut.code).toBe(5);
    expect(timedOut.stderr).toMatch(new RegExp(`Job ${slow} did not finish within 1\\.2s \\(last status RUNNING\\)`));
  });

  it("130: Ctrl-C during a download stops it and leaves no file", async () => {
    const id = await exportReport(["-p", "SUBAID=6"]);
    sandbox.control.inject({ route: "storage", fault: { kind: "slow", bytesPerSecond: 2_000 } });
    const target = join(dir, "interrupted.csv");
    const { child, done, output } = start(["jobs", "download", id, "-o", target], env());
    for (let waited = 0; !output().includes("downloading") && waited < 200; waited += 1) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(output()).toContain("downloading");
    child.kill("SIGINT");
    const run = keep(await done);
    expect(run.code).toBe(130);
    expect(messages(run.stderr)).toBe("impactkit: interrupted\n");
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe("impactkit itself", () => {
  it("prints its version, and a mistyped command gets the suggestion and one line of help, not the whole help", async () => {
    const version = await impactkit(["--version"], {});
    expect(version.code).toBe(0);
    // As the README runs it from a clone: the package's bin file, which loads the build.
    const linked = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [join(import.meta.dirname, "..", "bin", "impactkit.js"), "--version"], { env: machineEnv() }, (error, stdout) =>
        error ? reject(error) : resolve(stdout),
      ),
    );
    expect(linked).toBe(version.stdout);
    expect(version.stdout).toBe(`${(JSON.parse(readFileSync(join(import.meta.dirname, "..", "package.json"), "utf8")) as { version: string }).version}\n`);
    const typo = await impactkit(["jobz", "list"], {});
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/unknown command 'jobz'/);
    expect(typo.stderr).toMatch(/Did you mean jobs\?/);
    expect(typo.stderr).toContain("(impactkit --help lists the commands and options)");
    expect(typo.stderr.trim().split("\n").length).toBeLessThanOrEqual(3);
  });
});

describe("impactkit demo", () => {
  it("prints the summary the root README shows: the same jobs, rows, sizes and digests; tab-separated when piped", async () => {
    const readme = readFileSync(join(import.meta.dirname, "..", "..", "..", "README.md"), "utf8");
    const block = /```text\nimpactkit demo:[^]*?```/.exec(readme)![0];
    // The README shows a terminal's aligned columns; piped, the same cells come tab-separated.
    const shown = block
      .split("\n")
      .filter((line) => /^(API +JOB|\S+ +[0-9a-f]{8}-[0-9a-f-]{27} )/.test(line))
      .map((line) => line.split(/ {2,}/));
    const run = await cli(["demo", "--output-dir", dir]);
    expect(run.code).toBe(0);
    const summary = run.stdout
      .trimEnd()
      .split("\n")
      .slice(-5)
      .map((line) => line.split("\t"));
    const timeless = (cells: string[]) => [...cells.slice(0, -1), cells.at(-1)!.replace(/^\d+(\.\d)?s$/, "<elapsed>")];
    expect(summary.map(timeless)).toEqual(shown.map(timeless));
    expect(run.stderr).toMatch(/^partner-v15 waiting RUNNING \d+% [\d,]+ records$/m);
  });

  it("runs the whole flow for each flavor against its embedded sandbox and exits 0", async () => {
    const run = await impactkit(["demo", "--rows", "2000", "--output-dir", dir, "--json"], machineEnv());
    expect(run.code).toBe(0);
    const reports = json(run)["reports"] as Array<{ api: string; Id: string; Status: string; rows: number; bytes: number; sha256: string; path: string }>;
    expect(reports.map((report) => report.api)).toEqual(["partner-v15", "partner-v16", "agency-v3", "brand"]);
    for (const report of reports) {
      expect(report).toMatchObject({ Id: expect.stringMatching(/^[0-9a-f-]{36}$/), Status: "COMPLETED" });
      expect(report.rows).toBe(2000);
      expect(sha256(report.path)).toBe(report.sha256);
    }
    rmSync(dir, { recursive: true, force: true });
  });
});
