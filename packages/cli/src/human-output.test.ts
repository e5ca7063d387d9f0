import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { downloadTempPath } from "@impactkit/jobs/files";
import type { Sandbox } from "@impactkit/sandbox";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { onTerminal, type SandboxedCli, sandboxedCli, start, until } from "./testing/support.js";

let cli: SandboxedCli["cli"];
let env: SandboxedCli["env"];
let sandbox: Sandbox;
let dir: string;
let close: () => Promise<void>;
let keep: SandboxedCli["keep"];

const report = (day: string) => ["export", "report", "mp_action_listing_fast", "-p", `START_DATE=2026-11-${day}`, "-p", `END_DATE=2026-11-${day}`];
const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

beforeAll(async () => {
  ({ cli, env, sandbox, close, keep } = await sandboxedCli("IRHUMAN0001", "tok-human-output-5Rt8", {
    clock: { timeScale: 1_000 },
    job: { queueMs: 0, runMs: 1_000, rows: 1_000 },
  }));
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "impactkit-human-"));
  sandbox.control.clearFaults();
});
afterAll(async () => {
  await close();
  rmSync(dir, { recursive: true, force: true });
});

describe("tables", () => {
  it("are tab-separated when stdout is piped, aligned on a terminal, with counts in one human form", async () => {
    expect((await cli([...report("01"), "--wait", "--first-check", "10ms"])).code).toBe(0);
    const piped = await cli(["jobs", "list"]);
    const lines = piped.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("ID\tTYPE\tSTATUS\tDONE\tRECORDS\tCREATED");
    for (const line of lines) expect(line.split("\t")).toHaveLength(6);
    expect(lines.some((line) => line.split("\t")[4] === "1,000")).toBe(true);
    const shown = await onTerminal(["jobs", "list"], { ...env(), NO_COLOR: "1" });
    expect(shown).not.toContain("\t");
    const heading = shown.split("\n").find((line) => line.startsWith("ID"))!;
    expect(heading).toMatch(/^ID {2,}TYPE {2,}STATUS {2,}DONE {2,}RECORDS {2,}CREATED$/);
    const row = shown.split("\n").find((line) => /^[0-9a-f]{8}-/.test(line))!;
    expect(row.slice(heading.indexOf("RECORDS") - 2, heading.indexOf("RECORDS"))).toBe("  ");
    const reports = await cli(["reports", "list"]);
    expect(reports.stdout.split("\n")[0]).toMatch(/^[A-Z]+(\t[A-Z]+)+$/);
  });
});

describe("one message per event", () => {
  it("an export that waits says once, on stderr, that it was scheduled; stdout holds the outcome", async () => {
    const run = await cli([...report("02"), "--wait", "--first-check", "10ms"]);
    expect(run.code).toBe(0);
    expect((run.stdout + run.stderr).match(/Scheduled job/g)).toHaveLength(1);
    expect(run.stderr).toMatch(/^Scheduled job [0-9a-f-]{36}; if interrupted:/m);
    expect(run.stdout).toMatch(/^Job [0-9a-f-]{36} COMPLETED: 1,000 records\n$/);
    const scheduled = await cli(report("03"));
    expect(scheduled.stdout).toMatch(/^Scheduled job [0-9a-f-]{36}\n$/);
    expect(scheduled.stderr).not.toContain("Scheduled job");
  });

  it("export --json names the job's fields as the API does: Id, QueuedUri, ResultUri", async () => {
    const run = await cli([...report("04"), "--json"]);
    const document = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(Object.keys(document).sort()).toEqual(["Id", "QueuedUri", "ResultUri"]);
    expect(document["QueuedUri"]).toContain(`/Jobs/${document["Id"] as string}`);
  });
});

describe("messages that name what to do", () => {
  it("a brand ClickExport without --program-id is refused naming the flag, before any request", async () => {
    sandbox.control.clearRequests();
    const run = await cli(["export", "clicks", "--date", "2026-11-24"], env("brand"));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^impactkit: the .* ClickExport needs --program-id\n$/);
    expect(sandbox.control.requests()).toEqual([]);
  });

  it("a job in ERROR says that --through-error waits through it, and --through-error does", async () => {
    // ERROR from the first second of the job for ten hours (36 s here): the first check, 10 ms in, finds it.
    sandbox.control.planNext({ errors: 1, retryMs: 36_000_000 });
    const erred = await cli([...report("05"), "--wait", "--first-check", "10ms"]);
    expect(erred.code).toBe(4);
    expect(erred.stderr).toMatch(/is ERROR.*--through-error waits through it\)\n$/);
    const id = /Scheduled job ([0-9a-f-]{36})/.exec(erred.stderr)![1]!;
    const waited = await cli(["jobs", "wait", id, "--through-error", "--first-check", "10ms", "--timeout", "300ms"]);
    expect(waited.code).toBe(5);
    expect(waited.stderr).toContain("(last status ERROR)");
    // Every command that waits takes it: each waits through the ERROR until its timeout (exit 5), not failing at once (exit 4).
    for (const command of [
      [...report("05"), "--wait"],
      ["jobs", "download", id, "-o", join(dir, "through.csv")],
      ["records", id],
    ]) {
      const through = await cli([...command, "--through-error", "--first-check", "10ms", "--timeout", "300ms"]);
      expect(through.code, command.join(" ")).toBe(5);
      expect(through.stderr).toContain("(last status ERROR)");
    }
  });

  it("durations in messages read as the rest of the CLI's: a timeout in 1.2s, not 1200 ms", async () => {
    sandbox.control.planNext({ runMs: 3_600_000_000 });
    const id = JSON.parse((await cli([...report("06"), "--json"])).stdout).Id as string;
    const run = await cli(["jobs", "wait", id, "--timeout", "1200ms", "--first-check", "10ms"]);
    expect(run.code).toBe(5);
    expect(run.stderr).toContain(`Job ${id} did not finish within 1.2s (last status RUNNING)`);
    expect(run.stderr).not.toMatch(/\d ms\b/);
  });
});

describe("--resume", () => {
  /**
   * A finished job whose result is several MiB (the export of `day`), and its download by `command` (`jobs
   * download`, by default) killed after the storage answer stalled at 1.5 MiB.
   */
  async function stalledDownload(
    args: string[],
    day = "07",
    command: (id: string, target: string) => string[] = (id, target) => ["jobs", "download", id, "-o", target],
  ): Promise<{ id: string; target: string; kill(): Promise<void> }> {
    sandbox.control.planNext({ rows: 80_000 });
    const id = JSON.parse((await cli([...report(day), "--wait", "--first-check", "10ms", "--json"])).stdout).Id as string;
    const target = join(dir, "big.csv");
    sandbox.control.inject({ route: "storage", jobId: id, fault: { kind: "body-stall", afterBytes: 1_572_864, ms: 600_000 } });
    const temp = downloadTempPath(target, id);
    const started = start([...command(id, target), "--connections", "1", ...args], env());
    await until(() => existsSync(temp) && statSync(temp).size >= 1_048_576, "the first MiB in the temporary file");
    return {
      id,
      target,
      kill: async () => {
        started.child.kill("SIGKILL");
        keep(await started.done);
      },
    };
  }

  it("keeps a killed download's bytes and checkpoint, and the same command continues it from there", async () => {
    const { id, target, kill } = await stalledDownload(["--resume"]);
    await until(() => existsSync(`${downloadTempPath(target, id)}.json`), "the checkpoint");
    await kill();
    expect(readdirSync(dir)).not.toContain("big.csv");
    sandbox.control.clearFaults();
    sandbox.control.clearRequests();
    const resumed = await cli(["jobs", "download", id, "-o", target, "--connections", "1", "--resume"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/^continuing the interrupted download of job \S+ to \S+big\.csv from \d+\.\d MiB in /m);
    expect(sha256(target)).toBe((await sandbox.control.result(id)).sha256);
    const ranges = sandbox.control.requests("storage").map((request) => request.headers["range"]);
    expect(ranges).toHaveLength(1);
    expect(ranges[0]).toMatch(/^bytes=[1-9]\d{6,}-$/);
    expect(readdirSync(dir)).toEqual(["big.csv"]);
  });

  it("export -o --resume continues too: the same export is the same job (impact.com answers an identical request with it)", async () => {
    const exportTo = (_id: string, target: string) => [...report("09"), "--first-check", "10ms", "-o", target];
    const { id, target, kill } = await stalledDownload(["--resume"], "09", exportTo);
    await until(() => existsSync(`${downloadTempPath(target, id)}.json`), "the checkpoint");
    await kill();
    sandbox.control.clearFaults();
    sandbox.control.clearRequests();
    const resumed = await cli([...exportTo(id, target), "--connections", "1", "--resume"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`continuing the interrupted download of job ${id} to ${target} from `);
    expect(sha256(target)).toBe((await sandbox.control.result(id)).sha256);
    expect(sandbox.control.requests("storage").map((request) => request.headers["range"])).toEqual([expect.stringMatching(/^bytes=[1-9]\d{6,}-$/)]);
  });

  it("without --resume, the next download names the file a killed one left, and how much it holds", async () => {
    const { id, target, kill } = await stalledDownload([]);
    await kill();
    const left = downloadTempPath(target, id);
    sandbox.control.clearFaults();
    const other = await cli(["jobs", "download", id, "-o", join(dir, "other.csv"), "--connections", "1"]);
    expect(other.code).toBe(0);
    expect(other.stderr).toContain(`warning: ${left} (`);
    expect(other.stderr).toMatch(/MiB\) was left by an interrupted download; delete it if it is not needed/);
    const again = await cli(["jobs", "download", id, "-o", target, "--connections", "1"]);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(
      /warning: starting over the interrupted download of job \S+ to \S+big\.csv \(\d+\.\d MiB in .*\); --resume keeps it next time/,
    );
    expect(readdirSync(dir).sort()).toEqual(["big.csv", "other.csv"]);
  });

  it("is refused with -o - and without -o, before any request", async () => {
    sandbox.control.clearRequests();
    const id = "d8807a9f-a5ee-4e3f-ad2b-3dfd19d1915f";
    const stdout = await cli(["jobs", "download", id, "-o", "-", "--resume"]);
    expect(stdout.code).toBe(2);
    expect(stdout.stderr).toBe("impactkit: --resume continues a download to a file; it cannot with -o -\n");
    const exported = await cli([...report("08"), "--resume"]);
    expect(exported.code).toBe(2);
    expect(exported.stderr).toBe("impactkit: --resume continues a download to a file: pass it with -o <file>\n");
    expect(sandbox.control.requests()).toEqual([]);
  });
});
