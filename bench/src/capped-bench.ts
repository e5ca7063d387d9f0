import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@impactkit/partner-v15";
import { DEFAULT_ACCOUNT } from "@impactkit/sandbox";
import { command, nodeBinary, runChild, sandboxProcess } from "./processes.ts";
import { quantile, table } from "./stats.ts";

const ROW_BYTES = 47;
const MiB = 1024 * 1024;
const CLI = join(import.meta.dirname, "..", "..", "packages", "cli", "dist", "bin.js");

/** One tool on one Node.js line against storage that limits each connection. */
export interface CappedRow {
  node: string;
  tool: string;
  mbps: number;
  curlMBps: number;
  /** Median of the per-run ratios tool ÷ curl. */
  ratio: number;
  /** Peak RSS during the transfer minus RSS before it, in MB (the library only: the CLI's is the whole process). */
  rssGrowthMB: number | undefined;
}

interface ChildReport {
  count: number;
  ms: number;
  rssBefore: number;
  rssPeak: number;
}

/**
 * A result of `sizeMiB` behind storage that sends each connection `capMiBps` at most (the sandbox's
 * `storageBytesPerSecond`), as S3 and GCS limit one connection: impactkit's default download (parts over 8
 * connections), the same over one connection, and the `impactkit jobs download` command, each against
 * `curl -o` of the same signed URL in the same run, on each Node.js line of `nodes` ("current" is this one).
 */
export async function cappedBench(sizeMiB: number, runs: number, nodes: readonly string[], capMiBps = 50): Promise<CappedRow[]> {
  const sandbox = await sandboxProcess({ storageBytesPerSecond: capMiBps * MiB, job: { queueMs: 0, runMs: 0, rows: Math.ceil((sizeMiB * MiB) / ROW_BYTES) } });
  const target = join(tmpdir(), `impactkit-bench-capped-${sizeMiB}.csv`);
  const fresh = () => rmSync(target, { force: true });
  try {
    const client = createClient({ ...DEFAULT_ACCOUNT, baseUrl: sandbox.url });
    const { data } = await client.GET("/ReportExport/{Id}", {
      params: { path: { Id: "mp_action_listing_fast" }, query: { START_DATE: "2026-10-01", END_DATE: "2026-10-31" } },
    });
    const jobId = (data as { QueuedUri: string }).QueuedUri.split("/").at(-1)!;
    const location = async () =>
      (await client.GET("/Jobs/{JobId}/Download", { params: { path: { JobId: jobId } }, parseAs: "text" })).response.headers.get("location")!;
    const binaries = await Promise.all(nodes.map(async (node) => ({ node, binary: node === "current" ? process.execPath : await nodeBinary(node) })));
    const versions = await Promise.all(binaries.map(async ({ binary }) => (await command(binary, ["--version"])).trim()));
    const samples = new Map<string, Array<{ mbps: number; rssGrowthMB?: number; curl: number }>>();
    const note = (key: string, sample: { mbps: number; rssGrowthMB?: number; curl: number }) => samples.set(key, [...(samples.get(key) ?? []), sample]);
    for (let run = 0; run < runs; run += 1) {
      const curlTarget = `${target}.curl`;
      const [bytes, speed] = (await command("curl", ["-s", "-o", curlTarget, "-w", "%{size_download} %{speed_download}", await location()]))
        .split(" ")
        .map(Number) as [number, number];
      rmSync(curlTarget, { force: true });
      const curl = speed / MiB;
      const measures = binaries.flatMap(({ binary }, index) => [
        async () => {
          fresh();
          const report = await runChild<ChildReport>("download-child.ts", ["impactkit", sandbox.url, jobId, target, ""], [], binary);
          if (report.count !== bytes) throw new Error(`impactkit saved ${report.count} bytes, curl ${bytes}`);
          note(`${versions[index]}\0impactkit download() (default: parts over 8 connections)`, {
            mbps: report.count / MiB / (report.ms / 1000),
            rssGrowthMB: (report.rssPeak - report.rssBefore) / 1e6,
            curl,
          });
        },
        async () => {
          fresh();
          const report = await runChild<ChildReport>("download-child.ts", ["impactkit-1", sandbox.url, jobId, target, ""], [], binary);
          note(`${versions[index]}\0impactkit download() over one connection`, {
            mbps: report.count / MiB / (report.ms / 1000),
            rssGrowthMB: (report.rssPeak - report.rssBefore) / 1e6,
            curl,
          });
        },
        async () => {
          fresh();
          const started = performance.now();
          await command(binary, [CLI, "jobs", "download", jobId, "-o", target, "--overwrite", "--api", "partner-v15", "--base-url", sandbox.url], undefined, {
            ...process.env,
            IMPACT_ACCOUNT_SID: DEFAULT_ACCOUNT.accountSid,
            IMPACT_AUTH_TOKEN: DEFAULT_ACCOUNT.authToken,
          });
          note(`${versions[index]}\0impactkit jobs download (the CLI, whole process)`, { mbps: sizeMiB / ((performance.now() - started) / 1000), curl });
        },
      ]);
      for (const measure of run % 2 === 0 ? measures : [...measures].reverse()) await measure();
    }
    return [...samples].map(([key, values]) => {
      const [node, tool] = key.split("\0") as [string, string];
      const growth = values.flatMap((value) => (value.rssGrowthMB === undefined ? [] : [value.rssGrowthMB]));
      return {
        node,
        tool,
        mbps: quantile(
          values.map((value) => value.mbps),
          0.5,
        ),
        curlMBps: quantile(
          values.map((value) => value.curl),
          0.5,
        ),
        ratio: quantile(
          values.map((value) => value.mbps / value.curl),
          0.5,
        ),
        rssGrowthMB: growth.length ? Math.max(...growth) : undefined,
      };
    });
  } finally {
    fresh();
    await sandbox.stop();
  }
}

export function renderCapped(rows: readonly CappedRow[], sizeMiB: number, capMiBps = 50): string {
  const defaults = rows.filter((row) => row.tool.startsWith("impactkit download() (default"));
  const cli = rows.filter((row) => row.tool.startsWith("impactkit jobs download"));
  return [
    table(
      ["Node.js", "tool", "MiB/s", "curl -o MiB/s", "tool ÷ curl", "RSS growth"],
      rows.map((row) => [
        row.node,
        row.tool,
        row.mbps.toFixed(0),
        row.curlMBps.toFixed(0),
        `${row.ratio.toFixed(2)}×`,
        row.rssGrowthMB === undefined ? "—" : `${row.rssGrowthMB.toFixed(1)} MB`,
      ]),
    ),
    "",
    `A ${sizeMiB} MiB result; storage sends each connection ${capMiBps} MiB/s at most. Targets: the default download ≥ 4× curl — ${defaults.every((row) => row.ratio >= 4) ? "met" : "**not met**"}; RSS growth ≤ 48 MB — ${defaults.every((row) => (row.rssGrowthMB ?? 0) <= 48) ? "met" : "**not met**"}; the CLI at the same ratio — ${cli.every((row) => row.ratio >= 4) ? "met" : "**not met**"}.`,
  ].join("\n");
}
