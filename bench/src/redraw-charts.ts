import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { downloadChart, policyChart } from "./charts.ts";
import type { DownloadRow } from "./download-bench.ts";
import { pollPolicyBench, renderPollPolicy } from "./poll-policy-bench.ts";
import { FULL } from "./run-all.ts";

/** A number as the tables print it: `1,073,741,880`, `0.55×`, `88.0 MB`; "—" (not measured) is undefined. */
function cellNumber(cell: string): number | undefined {
  if (cell === "—") return undefined;
  const number = Number(cell.replace(/,/g, "").replace(/(?:×| MB)$/, ""));
  if (!Number.isFinite(number)) throw new Error(`not a number: ${JSON.stringify(cell)}`);
  return number;
}

/** The rows of the download table (`renderDownload`) in a docs/benchmarks.md, read back by their column names. */
export function downloadRowsOf(markdown: string): DownloadRow[] {
  const lines = markdown.split("\n");
  const start = lines.findIndex((line) => line.startsWith("| result | bytes | path | impactkit MiB/s |"));
  if (start < 0) throw new Error("no download table (| result | bytes | path | impactkit MiB/s | …)");
  const cells = (line: string) => line.slice(2, -2).split(" | ");
  const header = cells(lines[start]!);
  const rows: DownloadRow[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith("| ")) break;
    const row = cells(line);
    const cell = (name: string) => {
      const index = header.indexOf(name);
      return index < 0 ? "—" : row[index]!;
    };
    const number = (name: string) => cellNumber(cell(name));
    rows.push({
      size: cell("result"),
      bytes: number("bytes")!,
      path: cell("path") as DownloadRow["path"],
      impactkitMBps: number("impactkit MiB/s")!,
      curlMBps: number("curl MiB/s")!,
      ratio: number("impactkit ÷ curl")!,
      fetchMBps: number("Node fetch → file MiB/s"),
      cliMBps: number("impactkit CLI MiB/s"),
      cliRatio: number("impactkit CLI ÷ curl"),
      rssGrowthMB: number("RSS growth during the transfer")!,
    });
  }
  return rows;
}

/**
 * Draws docs/charts/*.svg again from the numbers docs/benchmarks.md holds, without running the benchmarks: the poll
 * chart from its simulation (virtual time and seeded: the numbers of `pnpm bench`, checked against the tables), the
 * download chart from the download table. For a change to the charts alone; `pnpm bench` measures anew.
 */
export async function redrawCharts(markdown: string): Promise<Record<string, string>> {
  const [plain, queued] = [pollPolicyBench(FULL.jobs), pollPolicyBench(FULL.jobs, 42, true)];
  for (const rows of [plain, queued])
    if (!markdown.includes(renderPollPolicy(rows, FULL.jobs)))
      throw new Error("the poll simulation no longer gives the tables of docs/benchmarks.md: run pnpm bench");
  return { "poll-policies.svg": await policyChart(plain, queued), "download-throughput.svg": await downloadChart(downloadRowsOf(markdown)) };
}

const isMain = process.argv[1] && import.meta.filename === process.argv[1];
if (isMain) {
  const docs = join(import.meta.dirname, "..", "..", "docs");
  const charts = await redrawCharts(readFileSync(join(docs, "benchmarks.md"), "utf8"));
  for (const [name, chart] of Object.entries(charts)) writeFileSync(join(docs, "charts", name), chart);
  console.log(`Wrote docs/charts/${Object.keys(charts).join(", ")} from docs/benchmarks.md`);
}
