import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@impactkit/partner-v15";
import { DEFAULT_ACCOUNT } from "@impactkit/sandbox";
import { command, runChild, sandboxProcess } from "./processes.ts";
import { quantile, table } from "./stats.ts";

const ROW_BYTES = 47;
const MiB = 1024 * 1024;

export interface DownloadRow {
  size: string;
  bytes: number;
  impactkitMBps: number;
  curlMBps: number;
  /** Node.js's fetch piped into a file in the same process: the floor the runtime sets. */
  fetchMBps: number;
  ratio: number;
  peakRssMB: number;
  /** RSS of the same process just before the download, everything loaded. */
  baselineRssMB: number;
}

/** A report of about `bytes` bytes in a sandbox running in another process; returns its job id and signed URL. */
async function prepare(baseUrl: string): Promise<{ jobId: string; signedUrl: string }> {
  const client = createClient({ ...DEFAULT_ACCOUNT, baseUrl });
  const { data } = await client.GET("/ReportExport/{Id}", { params: { path: { Id: "mp_action_listing_fast" }, query: { START_DATE: "2026-11-01", END_DATE: "2026-11-30" } } });
  const jobId = (data as { QueuedUri: string }).QueuedUri.split("/").at(-1)!;
  const { response } = await client.GET("/Jobs/{JobId}/Download", { params: { path: { JobId: jobId } }, parseAs: "text", fetch: (request: Request) => fetch(request, { redirect: "manual" }) });
  return { jobId, signedUrl: response.headers.get("location")! };
}

/**
 * The 302 path on loopback: @impactkit/jobs downloading to disk in a child process (its peak RSS is
 * that process's) against curl fetching the same signed URL to disk, in the same run; the median of `runs`.
 */
export async function downloadBench(sizesMiB: readonly number[], runs = 3): Promise<DownloadRow[]> {
  const rows: DownloadRow[] = [];
  for (const sizeMiB of sizesMiB) {
    const sandbox = await sandboxProcess({ job: { queueMs: 0, runMs: 0, rows: Math.ceil((sizeMiB * MiB) / ROW_BYTES) } });
    try {
      const { jobId, signedUrl } = await prepare(sandbox.url);
      const target = join(tmpdir(), `impactkit-bench-${sizeMiB}.csv`);
      const ours: number[] = [];
      const curls: number[] = [];
      const fetches: number[] = [];
      const rss: number[] = [];
      const baselines: number[] = [];
      let bytes = 0;
      for (let run = 0; run < runs; run += 1) {
        const result = await runChild<{ bytes: number; ms: number; rawMs: number; baselineRssBytes: number; maxRssBytes: number }>("download-child.ts", [sandbox.url, jobId, target, signedUrl]);
        fetches.push(result.bytes / MiB / (result.rawMs / 1000));
        rmSync(`${target}.raw`, { force: true });
        baselines.push(result.baselineRssBytes / 1e6);
        bytes = result.bytes;
        ours.push(result.bytes / MiB / (result.ms / 1000));
        rss.push(result.maxRssBytes / 1e6);
        const [size, speed] = (await command("curl", ["-s", "-o", `${target}.curl`, "-w", "%{size_download} %{speed_download}", signedUrl])).split(" ").map(Number) as [number, number];
        rmSync(`${target}.curl`, { force: true });
        if (size !== bytes) throw new Error(`curl received ${size} bytes, impactkit ${bytes}`);
        curls.push(speed / MiB);
      }
      rmSync(target, { force: true });
      const impactkitMBps = quantile(ours, 0.5);
      const curlMBps = quantile(curls, 0.5);
      rows.push({ size: sizeMiB >= 1024 ? `${sizeMiB / 1024} GiB` : `${sizeMiB} MiB`, bytes, impactkitMBps, curlMBps, fetchMBps: quantile(fetches, 0.5), ratio: impactkitMBps / curlMBps, peakRssMB: Math.max(...rss), baselineRssMB: quantile(baselines, 0.5) });
    } finally {
      await sandbox.stop();
    }
  }
  return rows;
}

export function renderDownload(rows: readonly DownloadRow[]): string {
  return [
    table(
      ["result", "bytes", "impactkit MiB/s", "curl MiB/s", "impactkit ÷ curl", "Node fetch → file MiB/s", "impactkit ÷ Node fetch", "peak RSS of the downloading process", "its RSS before the download"],
      rows.map((row) => [row.size, row.bytes.toLocaleString("en-US"), row.impactkitMBps.toFixed(0), row.curlMBps.toFixed(0), `${row.ratio.toFixed(2)}×`, row.fetchMBps.toFixed(0), `${(row.impactkitMBps / row.fetchMBps).toFixed(2)}×`, `${row.peakRssMB.toFixed(0)} MB`, `${row.baselineRssMB.toFixed(0)} MB`]),
    ),
    "",
    `Targets: throughput ≥ 0.85× curl — ${rows.every((row) => row.ratio >= 0.85) ? "met" : "**not met**"}; peak RSS ≤ 100 MB — ${rows.every((row) => row.peakRssMB <= 100) ? "met" : "**not met**"}, flat between sizes (largest − smallest: ${(Math.max(...rows.map((row) => row.peakRssMB)) - Math.min(...rows.map((row) => row.peakRssMB))).toFixed(0)} MB).`,
  ].join("\n");
}
