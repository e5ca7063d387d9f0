import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@impactkit/partner-v15";
import { DEFAULT_ACCOUNT } from "@impactkit/sandbox";
import { command, runChild, sandboxProcess } from "./processes.ts";
import { quantile, table } from "./stats.ts";

const ROW_BYTES = 47;
const MiB = 1024 * 1024;

/** One way of fetching the result, measured in one run. */
interface Sample {
  mbps: number;
  /** RSS at its peak during the transfer minus RSS just before it, in MB (impactkit and fetch only). */
  rssGrowthMB?: number;
}

export interface DownloadRow {
  size: string;
  bytes: number;
  /** The 302 to the signed URL, or the bytes in the API's answer. */
  path: "302 → storage" | "302 → storage, one connection" | "Mode=Stream";
  impactkitMBps: number;
  curlMBps: number;
  /** Median of the per-run ratios impactkit ÷ curl. */
  ratio: number;
  /** Node.js's fetch piped into a file in a process of its own: the floor of the portable path. */
  fetchMBps: number | undefined;
  /** The `impactkit jobs download` command, whole process (start-up included), when measured. */
  cliMBps: number | undefined;
  /** Median of the per-run ratios CLI ÷ curl, when the CLI was measured. */
  cliRatio: number | undefined;
  rssGrowthMB: number;
}

export interface RecordsRow {
  size: string;
  rows: number;
  /** records() over the network (the 302 path) in rows per second. */
  recordsPerSecond: number;
  /** csv-parse reading the same file from disk. */
  csvParsePerSecond: number;
}

/** A report of about `bytes` bytes in a sandbox running in another process; returns its job id and signed URL. */
async function prepare(baseUrl: string): Promise<{ jobId: string; signedUrl: string }> {
  const client = createClient({ ...DEFAULT_ACCOUNT, baseUrl });
  const { data } = await client.GET("/ReportExport/{Id}", {
    params: { path: { Id: "mp_action_listing_fast" }, query: { START_DATE: "2026-11-01", END_DATE: "2026-11-30" } },
  });
  const jobId = (data as { QueuedUri: string }).QueuedUri.split("/").at(-1)!;
  const { response } = await client.GET("/Jobs/{JobId}/Download", {
    params: { path: { JobId: jobId } },
    parseAs: "text",
    fetch: (request: Request) => fetch(request, { redirect: "manual" }),
  });
  return { jobId, signedUrl: response.headers.get("location")! };
}

/** A child's report of one transfer. */
interface ChildReport {
  count: number;
  ms: number;
  rssBefore: number;
  rssPeak: number;
}

const median = (values: readonly number[]) => quantile(values, 0.5);
const sizeName = (sizeMiB: number) => (sizeMiB >= 1024 ? `${sizeMiB / 1024} GiB` : `${sizeMiB} MiB`);

/** curl fetching `url` to a file; resolves with its bytes and MiB/s. */
async function curl(url: string, target: string, headers: readonly string[] = []): Promise<{ bytes: number; mbps: number }> {
  const [bytes, speed] = (
    await command("curl", ["-s", "-o", target, "-w", "%{size_download} %{speed_download}", ...headers.flatMap((header) => ["-H", header]), url])
  )
    .split(" ")
    .map(Number) as [number, number];
  rmSync(target, { force: true });
  return { bytes, mbps: speed / MiB };
}

/**
 * Downloads on loopback, side by side on the same result in each run, in alternating order: impactkit
 * (a child process; the RSS growth is that process's), in parts and over one connection, curl `-o`, Node.js's fetch → file, the
 * `impactkit` CLI; then the same with Mode=Stream (curl with the API's credentials). Medians of `runs`.
 */
export async function downloadBench(sizesMiB: readonly number[], runs = 5): Promise<{ rows: DownloadRow[]; records: RecordsRow[] }> {
  const rows: DownloadRow[] = [];
  const records: RecordsRow[] = [];
  for (const sizeMiB of sizesMiB) {
    const sandbox = await sandboxProcess({ job: { queueMs: 0, runMs: 0, rows: Math.ceil((sizeMiB * MiB) / ROW_BYTES) } });
    const target = join(tmpdir(), `impactkit-bench-${sizeMiB}.csv`);
    try {
      const { jobId, signedUrl } = await prepare(sandbox.url);
      // Every tool writes a file that does not exist yet, as curl does: replacing the last run's 1 GiB file would
      // charge freeing its blocks (and, on ext4, flushing the new file at the rename: auto_da_alloc) to the tool.
      const fresh = () => rmSync(target, { force: true });
      const child = (what: string) => runChild<ChildReport>("download-child.ts", [what, sandbox.url, jobId, target, signedUrl]);
      const streamUrl = `${sandbox.url}/Mediapartners/${DEFAULT_ACCOUNT.accountSid}/Jobs/${jobId}/Download?Mode=Stream`;
      const auth = [`Authorization: Basic ${Buffer.from(`${DEFAULT_ACCOUNT.accountSid}:${DEFAULT_ACCOUNT.authToken}`).toString("base64")}`, "IR-Version: 15"];
      const samples = {
        ours: [] as Sample[],
        single: [] as Sample[],
        curls: [] as number[],
        fetches: [] as number[],
        cli: [] as number[],
        stream: [] as Sample[],
        streamCurls: [] as number[],
      };
      let bytes = 0;
      const measures: Array<() => Promise<void>> = [
        async () => {
          fresh();
          const report = await child("impactkit");
          bytes = report.count;
          samples.ours.push({ mbps: report.count / MiB / (report.ms / 1000), rssGrowthMB: (report.rssPeak - report.rssBefore) / 1e6 });
        },
        async () => {
          fresh();
          const report = await child("impactkit-1");
          samples.single.push({ mbps: report.count / MiB / (report.ms / 1000), rssGrowthMB: (report.rssPeak - report.rssBefore) / 1e6 });
        },
        async () => {
          const result = await curl(signedUrl, `${target}.curl`);
          if (bytes && result.bytes !== bytes) throw new Error(`curl received ${result.bytes} bytes, impactkit ${bytes}`);
          samples.curls.push(result.mbps);
        },
        async () => {
          fresh();
          const report = await child("fetch");
          samples.fetches.push(sizeMiB / (report.ms / 1000));
        },
        async () => {
          fresh();
          const started = performance.now();
          await command(
            process.execPath,
            [CLI, "jobs", "download", jobId, "-o", target, "--overwrite", "--api", "partner-v15", "--base-url", sandbox.url],
            undefined,
            { ...process.env, IMPACT_ACCOUNT_SID: DEFAULT_ACCOUNT.accountSid, IMPACT_AUTH_TOKEN: DEFAULT_ACCOUNT.authToken },
          );
          samples.cli.push(sizeMiB / ((performance.now() - started) / 1000));
        },
        async () => {
          fresh();
          const report = await child("impactkit-stream");
          samples.stream.push({ mbps: report.count / MiB / (report.ms / 1000), rssGrowthMB: (report.rssPeak - report.rssBefore) / 1e6 });
        },
        async () => void samples.streamCurls.push((await curl(streamUrl, `${target}.curl`, auth)).mbps),
      ];
      for (let run = 0; run < runs; run += 1) {
        // Alternate the order run by run, so that no tool always follows the same one (page cache, CPU heat).
        const order = run % 2 === 0 ? measures : [...measures].reverse();
        for (const measure of order) await measure();
      }
      const ratios = (ours: readonly Sample[], theirs: readonly number[]) => median(ours.map((sample, index) => sample.mbps / theirs[index]!));
      // The CLI against curl in the same run, as the library is: run by run, then the median.
      const cliRatio = median(samples.cli.map((mbps, index) => mbps / samples.curls[index]!));
      rows.push({
        size: sizeName(sizeMiB),
        bytes,
        path: "302 → storage",
        impactkitMBps: median(samples.ours.map((s) => s.mbps)),
        curlMBps: median(samples.curls),
        ratio: ratios(samples.ours, samples.curls),
        fetchMBps: median(samples.fetches),
        cliMBps: median(samples.cli),
        cliRatio,
        rssGrowthMB: Math.max(...samples.ours.map((s) => s.rssGrowthMB!)),
      });
      rows.push({
        size: sizeName(sizeMiB),
        bytes,
        path: "302 → storage, one connection",
        impactkitMBps: median(samples.single.map((s) => s.mbps)),
        curlMBps: median(samples.curls),
        ratio: ratios(samples.single, samples.curls),
        fetchMBps: undefined,
        cliMBps: undefined,
        cliRatio: undefined,
        rssGrowthMB: Math.max(...samples.single.map((s) => s.rssGrowthMB!)),
      });
      rows.push({
        size: sizeName(sizeMiB),
        bytes,
        path: "Mode=Stream",
        impactkitMBps: median(samples.stream.map((s) => s.mbps)),
        curlMBps: median(samples.streamCurls),
        ratio: ratios(samples.stream, samples.streamCurls),
        fetchMBps: undefined,
        cliMBps: undefined,
        cliRatio: undefined,
        rssGrowthMB: Math.max(...samples.stream.map((s) => s.rssGrowthMB!)),
      });
      // Rows are slow to count (a minute at 1 GiB): one run each, on the file the last download left.
      await child("impactkit");
      const ours = await child("records");
      const theirs = await child("csv-parse");
      if (ours.count !== theirs.count) throw new Error(`records() read ${ours.count} rows, csv-parse ${theirs.count}`);
      records.push({
        size: sizeName(sizeMiB),
        rows: ours.count,
        recordsPerSecond: ours.count / (ours.ms / 1000),
        csvParsePerSecond: theirs.count / (theirs.ms / 1000),
      });
    } finally {
      rmSync(target, { force: true });
      await sandbox.stop();
    }
  }
  return { rows, records };
}

const CLI = join(import.meta.dirname, "..", "..", "packages", "cli", "dist", "bin.js");

export function renderDownload({ rows, records }: { rows: readonly DownloadRow[]; records: readonly RecordsRow[] }): string {
  const growth = rows.map((row) => row.rssGrowthMB);
  const bySize = (path: DownloadRow["path"]) => rows.filter((row) => row.path === path).map((row) => row.rssGrowthMB);
  const flat = (values: number[]) => Math.max(...values) - Math.min(...values) <= 4;
  const single = rows.filter((row) => row.path !== "302 → storage");
  return [
    table(
      [
        "result",
        "bytes",
        "path",
        "impactkit MiB/s",
        "curl MiB/s",
        "impactkit ÷ curl",
        "Node fetch → file MiB/s",
        "impactkit CLI MiB/s",
        "impactkit CLI ÷ curl",
        "RSS growth during the transfer",
      ],
      rows.map((row) => [
        row.size,
        row.bytes.toLocaleString("en-US"),
        row.path,
        row.impactkitMBps.toFixed(0),
        row.curlMBps.toFixed(0),
        `${row.ratio.toFixed(2)}×`,
        row.fetchMBps?.toFixed(0) ?? "—",
        row.cliMBps?.toFixed(0) ?? "—",
        row.cliRatio === undefined ? "—" : `${row.cliRatio.toFixed(2)}×`,
        `${row.rssGrowthMB.toFixed(1)} MB`,
      ]),
    ),
    "",
    table(
      ["result", "rows", "records() rows/s (over the network)", "csv-parse rows/s (the same file on disk)", "records ÷ csv-parse"],
      records.map((row) => [
        row.size,
        row.rows.toLocaleString("en-US"),
        Math.round(row.recordsPerSecond).toLocaleString("en-US"),
        Math.round(row.csvParsePerSecond).toLocaleString("en-US"),
        `${(row.recordsPerSecond / row.csvParsePerSecond).toFixed(2)}×`,
      ]),
    ),
    "",
    `"302 → storage" is the default download: on loopback storage serves every connection at full speed, so its parts help only as far as the cores allow. Targets: one stream ≥ 0.6× curl — ${single.every((row) => row.ratio >= 0.6) ? "met" : "**not met**"} (${single.map((row) => `${row.size} ${row.path} ${row.ratio.toFixed(2)}×`).join(", ")}); RSS growth ≤ 48 MB — ${growth.every((value) => value <= 48) ? "met" : "**not met**"}; within 4 MB between sizes — ${flat(bySize("302 → storage, one connection")) && flat(bySize("Mode=Stream")) ? "met" : "**not met**"}.`,
  ].join("\n");
}
