import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { startSandbox, type Sandbox } from "@impactkit/sandbox";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { formatBytes } from "./human.js";
import { impactkit, messages, type Run } from "./testing/support.js";

const ACCOUNT = { accountSid: "IRSTDOUT01", authToken: "tok-stdout-Secret-7" };
let sandbox: Sandbox;
let dir: string;
const runs: Run[] = [];
const env = () => ({ IMPACT_ACCOUNT_SID: ACCOUNT.accountSid, IMPACT_AUTH_TOKEN: ACCOUNT.authToken, IMPACT_API: "partner-v15", IMPACT_BASE_URL: sandbox.url });
async function cli(args: string[]): Promise<Run> {
  const run = await impactkit(args, env());
  runs.push(run);
  return run;
}
const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");
/** A report export of its own (a distinct SUBAID: the sandbox answers an identical export with the same job). */
const report = (subaid: string) => [
  "export",
  "report",
  "mp_action_listing_fast",
  "-p",
  "START_DATE=2026-11-01",
  "-p",
  "END_DATE=2026-11-02",
  "-p",
  `SUBAID=${subaid}`,
  "--first-check",
  "10ms",
];
const exports = () => sandbox.control.requests().filter((request) => request.path.includes("/ReportExport/")).length;

beforeAll(async () => {
  sandbox = await startSandbox({ accounts: [ACCOUNT], clock: { timeScale: 1_000 }, job: { queueMs: 0, runMs: 1_000, rows: 50 } });
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "impactkit-stdout-"));
});
afterAll(async () => {
  for (const run of runs) expect(run.stdout + run.stderr).not.toContain(ACCOUNT.authToken);
  rmSync(dir, { recursive: true, force: true });
  await sandbox.close();
});

describe("results on stdout, progress on stderr", () => {
  it("export -o - streams the result byte for byte to stdout; the job id and the summary go to stderr", async () => {
    const run = await cli([...report("1"), "-o", "-"]);
    expect(run.code).toBe(0);
    const id = /Scheduled job ([0-9a-f-]{36})/.exec(run.stderr)![1]!;
    const result = await sandbox.control.result(id);
    expect(Buffer.byteLength(run.stdout)).toBe(result.size);
    expect(sha256(run.stdout)).toBe(result.sha256);
    expect(run.stderr).toContain(`Wrote ${formatBytes(result.size)} of job ${id} to stdout`);
    expect(readdirSync(dir)).toEqual([]);
    expect(readdirSync(process.cwd()).includes("-")).toBe(false);
  });

  it("a wait's progress goes to stderr; stdout holds the result line alone", async () => {
    const scheduled = await cli(report("6"));
    const id = /Scheduled job ([0-9a-f-]{36})/.exec(scheduled.stdout)![1]!;
    const run = await cli(["jobs", "wait", id, "--first-check", "10ms"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^Job ${id} COMPLETED: 50 records in \\d+(\\.\\d)?s\n$`));
    expect(run.stderr).toMatch(/^waiting [A-Z]+ \d+% \d+ records$/m);
  });

  it("records writes the rows as JSON Lines or CSV, the same rows as the downloaded file", async () => {
    const scheduled = await cli([...report("2"), "--wait", "--json"]);
    const id = JSON.parse(scheduled.stdout).Id as string;
    expect((await cli(["jobs", "download", id, "-o", join(dir, "r.csv")])).code).toBe(0);
    const rows = parse(readFileSync(join(dir, "r.csv")), { columns: true, bom: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(50);
    const lines = await cli(["records", id]);
    expect(lines.code).toBe(0);
    expect(
      lines.stdout
        .trimEnd()
        .split("\n")
        .map((line) => JSON.parse(line)),
    ).toEqual(rows);
    expect(lines.stderr).toContain(`Wrote 50 rows of job ${id} to stdout`);
    const csv = await cli(["records", id, "--format", "csv"]);
    expect(parse(csv.stdout, { columns: true })).toEqual(rows);
    expect(csv.stdout.split("\n")[0]).toBe(Object.keys(rows[0]!).join(","));
    const piped = await cli(["jobs", "download", id, "-o", "-"]);
    expect(piped.stdout).toBe(readFileSync(join(dir, "r.csv"), "utf8"));
  });

  it("export --records schedules, waits and writes the rows; --records csv as CSV", async () => {
    const jsonl = await cli([...report("3"), "--records"]);
    expect(jsonl.code).toBe(0);
    expect(jsonl.stdout.trimEnd().split("\n")).toHaveLength(50);
    expect(jsonl.stderr).toMatch(/Scheduled job [0-9a-f-]{36}; if interrupted/);
    const csv = await cli([...report("4"), "--records", "csv"]);
    expect(parse(csv.stdout, { columns: true })).toHaveLength(50);
  });

  it("refuses, before anything is scheduled: -o - or --records with --json, --records with -o, an unknown row format (exit 2)", async () => {
    const before = exports();
    for (const [args, message] of [
      [[...report("5"), "-o", "-", "--json"], /-o - writes to stdout, where --json would go too/],
      [[...report("5"), "--records", "--json"], /--records jsonl writes to stdout, where --json would go too/],
      [
        [...report("5"), "--records", "-o", join(dir, "x.csv")],
        /--records jsonl writes rows to stdout and -o writes the result: use one of them \(or redirect: > rows\.jsonl\)/,
      ],
      [[...report("5"), "--records", "parquet"], /--records parquet writes a file: name it with -o rows\.parquet/],
      [[...report("5"), "--records", "xlsx"], /--records takes jsonl, csv, parquet, got "xlsx"/],
      [["records", "7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d", "--format", "xml"], /--format takes jsonl, csv, parquet, got "xml"/],
      [["records", "7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d", "--format", "parquet", "-o", import.meta.filename], /exists; pass --overwrite to replace it/],
    ] as const) {
      const run = await cli([...args]);
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stdout).toBe("");
    }
    expect(exports()).toBe(before);
  });
});

describe("rows as Parquet", () => {
  it("records --format parquet -o writes a file DuckDB reads back: the same rows, every column as the result's text", async () => {
    const scheduled = await cli([...report("7"), "--wait", "--json"]);
    const id = JSON.parse(scheduled.stdout).Id as string;
    expect((await cli(["jobs", "download", id, "-o", join(dir, "r.csv")])).code).toBe(0);
    const rows = parse(readFileSync(join(dir, "r.csv")), { columns: true, bom: true }) as Array<Record<string, string>>;
    const target = join(dir, "rows.parquet");
    const run = await cli(["records", id, "--format", "parquet", "-o", target, "--json"]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ Id: id, rows: 50, path: target });
    expect(readdirSync(dir).sort()).toEqual(["r.csv", "rows.parquet"]);
    const { DuckDBInstance } = await import("@duckdb/node-api");
    const connection = await (await DuckDBInstance.create(":memory:")).connect();
    const read = await connection.runAndReadAll(`SELECT * FROM read_parquet('${target}')`);
    expect(read.getRowObjects()).toEqual(rows);
    const columns = await connection.runAndReadAll(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${target}'))`);
    expect(columns.getRowObjects()).toEqual(Object.keys(rows[0]!).map((name) => ({ column_name: name, column_type: "VARCHAR" })));
    connection.closeSync();
  });

  it("export --records parquet -o schedules, waits and writes it; an interrupted or failed write leaves no file", async () => {
    const target = join(dir, "export.parquet");
    const run = await cli([...report("8"), "--records", "parquet", "-o", target]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`Saved 50 rows of job [0-9a-f-]{36} to ${target}\\n$`));
    expect(readdirSync(dir)).toEqual(["export.parquet"]);
    // Every transfer of the result is cut short: rows come, then the transfer fails for good.
    sandbox.control.inject({ route: "storage", fault: { kind: "truncate", fraction: 0.5 }, times: 100 });
    const failed = await cli([...report("9"), "--records", "parquet", "-o", join(dir, "broken.parquet")]);
    sandbox.control.clearFaults();
    expect(failed.code).toBe(1);
    expect(messages(failed.stderr)).toMatch(/^impactkit: .*(truncated|ended|bytes)/i);
    expect(readdirSync(dir)).toEqual(["export.parquet"]);
  });
});
