import { startSandbox, type Sandbox } from "@impactkit/sandbox";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { UsageError } from "./exit-codes.js";
import { reportDateParams } from "@impactkit/jobs";
import { withDates } from "./params.js";
import { impactkit, type Run } from "./testing/support.js";

/** 2026-12-03 00:30 UTC: still the 2nd in New York, which must not matter — the API's days are UTC dates. */
const NOW = Date.parse("2026-12-03T00:30:00Z");
const PARTNER = { reportParams: ["SUBAID", "START_DATE", "END_DATE", "ResultFormat"] };
const BRAND = { reportParams: ["SUBAID", "StartDate", "EndDate", "CONV_CURRENCY", "ResultFormat"] };

describe("withDates: -p date parameters, checked and converted before anything is sent", () => {
  it("knows the spec's date parameters of the flavor: dates for partner and agency, date-times for brand", () => {
    expect(reportDateParams(PARTNER)).toEqual({ START_DATE: "date", END_DATE: "date" });
    expect(reportDateParams(BRAND)).toEqual({ StartDate: "date-time", EndDate: "date-time" });
    expect(reportDateParams({ reportParams: ["ResultFormat"] })).toEqual({});
  });

  it("turns relative days into UTC dates, and leaves dates and other parameters as they are", () => {
    const params = { START_DATE: "7d", END_DATE: "yesterday", SUBAID: "today", ProgramId: ["1", "2"] };
    expect(withDates(params, reportDateParams(PARTNER), NOW)).toEqual({
      START_DATE: "2026-11-26",
      END_DATE: "2026-12-02",
      SUBAID: "today",
      ProgramId: ["1", "2"],
    });
    expect(withDates({ START_DATE: "2026-11-01", END_DATE: "today" }, reportDateParams(PARTNER), NOW)).toEqual({
      START_DATE: "2026-11-01",
      END_DATE: "2026-12-03",
    });
  });

  it("gives brand's date-times the day's start in UTC, and keeps a date-time as it is", () => {
    expect(withDates({ StartDate: "yesterday", EndDate: "2026-12-02T12:30:00-05:00" }, reportDateParams(BRAND), NOW)).toEqual({
      StartDate: "2026-12-02T00:00:00Z",
      EndDate: "2026-12-02T12:30:00-05:00",
    });
    expect(withDates({ StartDate: "2026-11-01" }, reportDateParams(BRAND), NOW)).toEqual({ StartDate: "2026-11-01T00:00:00Z" });
    // Words in any case, and RFC 3339's lower-case t.
    expect(withDates({ StartDate: "Today", EndDate: "2026-12-02t12:30:00z" }, reportDateParams(BRAND), NOW)).toEqual({
      StartDate: "2026-12-03T00:00:00Z",
      EndDate: "2026-12-02t12:30:00z",
    });
  });

  it.each([
    [PARTNER, "START_DATE", "2026-13-45"],
    [PARTNER, "END_DATE", "2026-02-30"],
    [PARTNER, "START_DATE", "last week"],
    [PARTNER, "START_DATE", "2026-11-01T00:00:00Z"],
    [BRAND, "StartDate", "2026-13-45"],
    [BRAND, "EndDate", "2026-02-30T00:00:00Z"],
    [BRAND, "StartDate", "soon"],
  ])("refuses %j's %s=%s, naming -p and the parameter", (traits, name, value) => {
    const refuse = () => withDates({ [name]: value }, reportDateParams(traits), NOW);
    expect(refuse).toThrow(UsageError);
    expect(refuse).toThrow(new RegExp(`^-p ${name} takes `));
  });
});

const TOKEN = "tok-validate-first-4Kp";
const SID = "IRCLIVALID01";
let sandbox: Sandbox;
const runs: Run[] = [];
const env = (api = "partner-v15") => ({ IMPACT_ACCOUNT_SID: SID, IMPACT_AUTH_TOKEN: TOKEN, IMPACT_API: api, IMPACT_BASE_URL: sandbox.url });
async function cli(args: string[], api?: string): Promise<Run> {
  const run = await impactkit(args, env(api));
  runs.push(run);
  return run;
}
const REPORT = ["export", "report", "mp_action_listing_fast"];
/** A UTC date `back` days before now; a run that crosses midnight UTC sees the next day, so tests accept both. */
const day = (back: number) => new Date(Date.now() - back * 86_400_000).toISOString().slice(0, 10);
const exportsSent = () => sandbox.control.requests("api").filter((request) => /\/(ReportExport|ClickExport)\b/.test(request.path));

beforeAll(async () => {
  sandbox = await startSandbox({ accounts: [{ accountSid: SID, authToken: TOKEN }], clock: { timeScale: 1_000 }, job: { queueMs: 0, runMs: 1_000, rows: 5 } });
});
beforeEach(() => sandbox.control.clearRequests());
afterAll(async () => {
  for (const run of runs) expect(run.stdout + run.stderr).not.toContain(TOKEN);
  expect(sandbox.control.violations()).toEqual([]);
  await sandbox.close();
});

describe("impactkit refuses what the API would, before sending anything (exit 2, no request)", () => {
  it.each([
    [[...REPORT, "-p", "START_DATE=2026-13-45", "-p", "END_DATE=2026-11-02"], "partner-v15", /^impactkit: -p START_DATE takes a real date; "2026-13-45"/m],
    [[...REPORT, "-p", "START_DATE=2026-11-01", "-p", "END_DATE=last week"], "agency-v3", /^impactkit: -p END_DATE takes a day: .*got "last week"/m],
    [[...REPORT, "-p", "StartDate=2026-02-30"], "brand", /^impactkit: -p StartDate takes a real date; "2026-02-30"/m],
    [["export", "clicks", "-p", "Date=2026-13-45"], "partner-v15", /^impactkit: -p Date takes a real date/m],
    [
      [...REPORT, "-p", "START_DATE=2026-11-01", "-p", "END_DATE=2026-11-02", "--format", "jsonl"],
      "partner-v15",
      /--format takes CSV, JSON, XML, got "jsonl"; for the rows as jsonl, use --records jsonl/,
    ],
    [
      [...REPORT, "-p", "START_DATE=2026-11-01", "-p", "END_DATE=2026-11-02", "--result-format", "parquet"],
      "partner-v15",
      /--result-format takes CSV, JSON, XML, got "parquet"/,
    ],
    [["export", "clicks", "--result-format", "TSV"], "partner-v15", /--result-format takes CSV, JSON, XML, got "TSV"/],
  ])("%j (%s)", async (args, api, message) => {
    const run = await cli(args, api);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(sandbox.control.requests("api")).toEqual([]);
  });
});

describe("-p date parameters take relative days, sent as UTC dates", () => {
  it("partner: -p START_DATE=7d -p END_DATE=yesterday, and --verbose says what they became", async () => {
    const run = await cli([...REPORT, "-p", "START_DATE=7d", "-p", "END_DATE=yesterday", "--json", "--verbose"]);
    expect(run.code, run.stderr).toBe(0);
    const [sent] = exportsSent();
    expect([day(7), day(6)]).toContain(sent!.query["START_DATE"]);
    expect([day(1), day(0)]).toContain(sent!.query["END_DATE"]);
    expect(run.stderr).toContain(`-p START_DATE=7d → ${sent!.query["START_DATE"]}`);
    expect(run.stderr).toContain(`-p END_DATE=yesterday → ${sent!.query["END_DATE"]}`);
  });

  it("brand: -p StartDate=yesterday is the day's start in UTC; a date-time is sent as it is", async () => {
    const run = await cli([...REPORT, "-p", "StartDate=yesterday", "-p", "EndDate=2999-11-02T12:00:00Z", "--json"], "brand");
    expect(run.code, run.stderr).toBe(0);
    const [sent] = exportsSent();
    expect([`${day(1)}T00:00:00Z`, `${day(0)}T00:00:00Z`]).toContain(sent!.query["StartDate"]);
    expect(sent!.query["EndDate"]).toBe("2999-11-02T12:00:00Z");
  });

  it("clicks: -p Date=yesterday", async () => {
    const run = await cli(["export", "clicks", "-p", "Date=yesterday", "--json"]);
    expect(run.code, run.stderr).toBe(0);
    expect([day(1), day(0)]).toContain(exportsSent()[0]!.query["Date"]);
  });
});

describe("--result-format: what the API produces; --format: what impactkit writes", () => {
  it("export --result-format json asks for ResultFormat=JSON", async () => {
    const run = await cli([...REPORT, "-p", "START_DATE=2026-11-01", "-p", "END_DATE=2026-11-02", "--result-format", "json", "--json"]);
    expect(run.code, run.stderr).toBe(0);
    expect(exportsSent()[0]!.query["ResultFormat"]).toBe("JSON");
  });

  it("export --format XML still works, as a deprecated alias that says so", async () => {
    const run = await cli([...REPORT, "-p", "START_DATE=2026-11-01", "-p", "END_DATE=2026-11-02", "--format", "XML", "--json"]);
    expect(run.code, run.stderr).toBe(0);
    expect(exportsSent()[0]!.query["ResultFormat"]).toBe("XML");
    expect(run.stderr).toContain("warning: --format is deprecated on export; use --result-format XML");
  });

  it("export --help shows --result-format, not --format", async () => {
    const help = await cli([...REPORT, "--help"]);
    expect(help.stdout).toMatch(/--result-format <format>\s+what the API produces: CSV, JSON, XML/);
    expect(help.stdout).not.toMatch(/^\s+--format\b/m);
  });
});
