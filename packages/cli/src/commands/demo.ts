import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import type { CommandContext } from "../context.js";
import { UsageError } from "../exit-codes.js";
import { APIS, clientFor, jobsFor } from "../flavors.js";
import { downloadFile } from "../download-file.js";
import { optionalModule } from "../optional-module.js";
import { formatBytes, formatCount, formatDuration } from "../human.js";
import { waitShowing } from "../progress.js";

async function digest(path: string): Promise<{ sha256: string; rows: number }> {
  const hash = createHash("sha256");
  let newlines = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    for (let index = chunk.indexOf(10); index !== -1; index = chunk.indexOf(10, index + 1)) newlines += 1;
  }
  return { sha256: hash.digest("hex"), rows: newlines - 1 };
}

/**
 * The demo's pace: each job spends 3 s QUEUED and 27 s RUNNING in the sandbox's time, which runs 20× faster —
 * under two seconds a flavor, slow enough to see the bars move from the first check to 100 %.
 */
const DEMO_TIME_SCALE = 20;
const DEMO_JOB = { queueMs: 3_000, runMs: 27_000 };

/** A report of each API family to show, with its filters (the dates every release's spec requires are added). */
const REPORTS: Readonly<Record<string, { report: string; params: Record<string, string> }>> = {
  partner: { report: "mp_action_listing_fast", params: {} },
  agency: { report: "att_adv_performance_by_day_pm_only", params: { START_DATE: "2026-11-01", END_DATE: "2026-11-24" } },
  brand: { report: "adv_action_listing_pm_only", params: { SUBAID: "1234" } },
};

/** One export per flavor `--api` takes: its family's report, and the report parameters its spec requires. */
const exportsOf = (account: { accountSid: string; authToken: string }) =>
  APIS.map((api) => {
    const { spec } = clientFor(api, { ...account });
    const { report, params } = REPORTS[spec.api] ?? { report: "demo_report", params: {} };
    const dated = Object.fromEntries(spec.traits.requiredReportParams.map((name) => [name, name.startsWith("END") ? "2026-11-24" : "2026-11-01"]));
    return { api, report, params: { ...dated, ...params } };
  });

/** `impactkit demo`: the whole flow for each flavor against an embedded sandbox, no account needed. */
export function demoCommand(program: Command, context: CommandContext): void {
  program
    .command("demo")
    .description("export, wait for and download a report in each API flavor, against an embedded sandbox (no account needed)")
    .option("--rows <n>", "rows in each report", "20000")
    .option("--time-scale <n>", "how much faster than real time the sandbox runs", String(DEMO_TIME_SCALE))
    .option("-o, --output-dir <dir>", "where to save the reports (default: a new temporary folder)")
    .addHelpText("after", "\nExamples:\n  impactkit demo\n  impactkit demo --rows 1000000 --output-dir ./reports --json")
    .action(async (options: { rows: string; timeScale: string; outputDir?: string }) => {
      const rows = Number(options.rows);
      const scale = Number(options.timeScale);
      if (!Number.isInteger(rows) || rows < 0) throw new UsageError(`--rows takes a whole number, got ${JSON.stringify(options.rows)}`);
      if (!(scale > 0)) throw new UsageError(`--time-scale takes a number above 0, got ${JSON.stringify(options.timeScale)}`);
      const dir = options.outputDir ? resolve(options.outputDir) : await mkdtemp(join(tmpdir(), "impactkit-demo-"));
      // The sandbox (and its ajv) is an optional dependency, loaded by this command alone.
      const { DEFAULT_ACCOUNT, startSandbox } = await optionalModule("@impactkit/sandbox", "demo", () => import("@impactkit/sandbox"));
      const sandbox = await startSandbox({ port: 0, clock: { timeScale: scale }, job: { ...DEMO_JOB, rows }, reports: "any" });
      const { output } = context;
      output.info(`impactkit demo: an embedded impact.com sandbox at ${sandbox.url}, time ×${scale}; reports go to ${dir}`);
      const summary = [];
      try {
        for (const { api, report, params } of exportsOf(DEFAULT_ACCOUNT)) {
          const started = performance.now();
          const jobs = jobsFor(api, { ...DEFAULT_ACCOUNT, baseUrl: sandbox.url }, { timing: sandbox.control.timers() });
          const handle = await jobs.exportReport(report, params as never, { signal: context.signal });
          output.info(`${api}: ReportExport ${report} → job ${handle.id}`);
          const job = await waitShowing(jobs, handle.id, output, `${api} waiting`, { signal: context.signal });
          const target = join(dir, `${api}-${report}.csv`);
          const result = await downloadFile(jobs, handle.id, context, `${api} downloading`, { to: target, overwrite: true, signal: context.signal });
          const { sha256, rows: counted } = await digest(result.path);
          summary.push({
            api,
            Id: job.Id,
            Status: job.Status,
            rows: counted,
            bytes: result.bytes,
            sha256,
            path: result.path,
            elapsedMs: Math.round(performance.now() - started),
          });
        }
      } finally {
        await sandbox.close();
      }
      const rowsShown = summary.map((row) => [
        row.api,
        row.Id,
        formatCount(row.rows),
        formatBytes(row.bytes),
        `${row.sha256.slice(0, 16)}…`,
        formatDuration(row.elapsedMs),
      ]);
      output.result(["", ...output.table([["API", "JOB", "ROWS", "SIZE", "SHA-256", "ELAPSED"], ...rowsShown])], { sandbox: "embedded", reports: summary });
    });
}
