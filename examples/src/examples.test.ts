import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { decodeResumeToken } from "@impactkit/jobs";
import { startSandbox, type Sandbox } from "@impactkit/sandbox";
import { machineEnv } from "@impactkit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ACCOUNTS = [
  { accountSid: "IREXAMPLE01", authToken: "tok-example-Secret-1" },
  { accountSid: "IREXAMPLE02", authToken: "tok-example-Secret-2" },
  { accountSid: "IREXAMPLE03", authToken: "tok-example-Secret-3" },
];
let sandbox: Sandbox;
let dir: string;

beforeAll(async () => {
  sandbox = await startSandbox({ accounts: ACCOUNTS, clock: { timeScale: 1_000 }, job: { queueMs: 500, runMs: 3_000, rows: 120 } });
  dir = mkdtempSync(join(tmpdir(), "impactkit-examples-"));
});
afterAll(async () => {
  expect(sandbox.control.violations()).toEqual([]);
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `src/<name>` as a user would (`node <name> …`, Node.js stripping its types), as the first account unless `env` says otherwise. */
function example(name: string, args: string[] = [], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const [first] = ACCOUNTS;
  const environment = { ...machineEnv(), IMPACT_ACCOUNT_SID: first!.accountSid, IMPACT_AUTH_TOKEN: first!.authToken, IMPACT_BASE_URL: sandbox.url, ...env };
  return new Promise((resolve) => {
    execFile(process.execPath, [join(import.meta.dirname, name), ...args], { cwd: dir, env: environment, encoding: "utf8" }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}
const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

describe("the examples, run against the sandbox", () => {
  it("export-and-download.ts: schedules, shows progress, saves the exact result", async () => {
    const run = await example("export-and-download.ts", ["actions.csv"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const id = /^scheduled job ([0-9a-f-]{36})$/m.exec(run.stdout)![1]!;
    expect(run.stdout).toMatch(/^COMPLETED 100%$/m);
    expect(sha256(join(dir, "actions.csv"))).toBe((await sandbox.control.result(id)).sha256);
    expect(run.stdout.trimEnd().split("\n").at(-1)).toBe(
      `job ${id}: 120 records, ${(await sandbox.control.result(id)).size} bytes in ${join(dir, "actions.csv")}`,
    );
  });

  it("records-to-parquet.ts: a Parquet file DuckDB reads, numbers as numbers", async () => {
    const run = await example("records-to-parquet.ts", ["actions.parquet"]);
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe(`120 rows in actions.parquet\n`);
    const connection = await (await DuckDBInstance.create(":memory:")).connect();
    const target = join(dir, "actions.parquet");
    const types = await connection.runAndReadAll(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${target}'))`);
    expect(types.getRowObjects()).toEqual([
      { column_name: "ActionId", column_type: "VARCHAR" },
      { column_name: "EventDate", column_type: "VARCHAR" },
      { column_name: "ProgramId", column_type: "VARCHAR" },
      { column_name: "Clicks", column_type: "INTEGER" },
      { column_name: "Amount", column_type: "DOUBLE" },
    ]);
    const counted = await connection.runAndReadAll(`SELECT count(*)::INTEGER AS n, count(DISTINCT ActionId)::INTEGER AS ids FROM read_parquet('${target}')`);
    expect(counted.getRowObjects()).toEqual([{ n: 120, ids: 120 }]);
    connection.closeSync();
  });

  it("many-accounts.ts: one instance per account, every export waited for", async () => {
    const env = {
      IMPACT_ACCOUNT_SIDS: ACCOUNTS.map((entry) => entry.accountSid).join(","),
      ...Object.fromEntries(ACCOUNTS.map((entry) => [`IMPACT_AUTH_TOKEN_${entry.accountSid}`, entry.authToken])),
    };
    const run = await example("many-accounts.ts", [], { ...env, IMPACT_ACCOUNT_SID: "", IMPACT_AUTH_TOKEN: "" });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines.map((line) => line.replace(/[0-9a-f-]{36}/, "<job>"))).toEqual(
      ACCOUNTS.map((entry) => `${entry.accountSid}: job <job> COMPLETED, 120 records`),
    );
  });

  it("resume-elsewhere.ts: one process starts the wait and dies, another resumes it from the token and downloads", async () => {
    const started = await example("resume-elsewhere.ts", ["start"]);
    expect(started.code).toBe(0);
    const token = started.stdout.trim();
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(token, "base64url").toString()).not.toContain(ACCOUNTS[0]!.authToken);
    const { jobId: id, accountSid } = decodeResumeToken(token);
    expect(accountSid).toBe(ACCOUNTS[0]!.accountSid);
    const resumed = await example("resume-elsewhere.ts", ["resume", token, "resumed.csv"]);
    expect(resumed.stderr).toBe("");
    expect(resumed.stdout).toBe(`job ${id} COMPLETED: ${join(dir, "resumed.csv")}\n`);
    expect(sha256(join(dir, "resumed.csv"))).toBe((await sandbox.control.result(id)).sha256);
  });
});
