import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { bundleBench, renderBundle } from "./bundle-bench.ts";
import { cappedBench, renderCapped } from "./capped-bench.ts";
import { downloadChart, policyChart } from "./charts.ts";
import { downloadBench, renderDownload } from "./download-bench.ts";
import { overheadBench, renderOverhead } from "./overhead-bench.ts";
import { pollPolicyBench, renderPollPolicy } from "./poll-policy-bench.ts";
import { NODE_22 } from "./processes.ts";
import { queueBench, renderQueue } from "./queue-bench.ts";
import { renderScale, scaleBench } from "./scale-bench.ts";
import { renderTypecheck, typecheckBench } from "./typecheck-bench.ts";

/** The sizes of a full run (`pnpm bench`) and of the smoke run that keeps the benchmarks working. */
export const FULL = {
  jobs: 10_000,
  downloadMiB: [256, 1024],
  downloadRuns: 5,
  cappedMiB: 256,
  cappedRuns: 3,
  cappedNodes: ["current", NODE_22],
  exports: 300,
  waits: 10_000,
  longestJobMs: 300_000,
  calls: 10_000,
  pipelines: 200,
};
export const SMOKE = {
  jobs: 300,
  downloadMiB: [4],
  downloadRuns: 1,
  cappedMiB: 20,
  cappedRuns: 1,
  cappedNodes: ["current"],
  exports: 20,
  waits: 200,
  longestJobMs: 20_000,
  calls: 300,
  pipelines: 10,
};

export function machine(): string {
  const cpu = cpus();
  return `${cpu.length} CPU (${cpu[0]?.model.trim() ?? "unknown"}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node.js ${process.version}, ${process.platform} ${process.arch}`;
}

/** What a run writes: docs/benchmarks.md, and its charts into docs/charts/ (file name → SVG). */
export interface BenchOutput {
  markdown: string;
  charts: Record<string, string>;
}

/** Runs every benchmark, prints each table, and returns the Markdown of docs/benchmarks.md with its charts. */
export async function runAll(sizes: typeof FULL, log: (text: string) => void = () => undefined): Promise<BenchOutput> {
  const charts: Record<string, string> = {};
  const sections: Array<[string, string, string]> = [];
  const add = (title: string, what: string, body: string) => {
    sections.push([title, what, body]);
    log(`\n## ${title}\n\n${body}\n`);
  };
  const [plain, queued] = [pollPolicyBench(sizes.jobs), pollPolicyBench(sizes.jobs, 42, true)];
  charts["poll-policies.svg"] = await policyChart(plain, queued);
  add(
    "1. Poll policy",
    "Virtual time, no sockets: the same simulated jobs polled by each policy; detection delay is the time from completion to the poll that sees it.",
    [
      "![Poll policies: requests per job against p95 detection delay](charts/poll-policies.svg)",
      "",
      renderPollPolicy(plain, sizes.jobs),
      "",
      "### With a queue phase",
      "",
      "The same jobs, a random 0–50 % of each one's time QUEUED at 0 % before it runs.",
      "",
      renderPollPolicy(queued, sizes.jobs),
    ].join("\n"),
  );
  const downloads = await downloadBench(sizes.downloadMiB, sizes.downloadRuns);
  charts["download-throughput.svg"] = await downloadChart(downloads.rows);
  add(
    "2. Download",
    "A report in a sandbox in another process, fetched through the 302 and its signed storage URL, and with Mode=Stream; each tool in a process of its own, in alternating order, the median of the runs. RSS growth is the downloading process's RSS at its peak minus its RSS just before the first request. Then the rows of the same result through `records()`, beside csv-parse reading the downloaded file from disk.",
    ["![Download throughput of impactkit, the impactkit CLI, curl and Node.js's fetch](charts/download-throughput.svg)", "", renderDownload(downloads)].join(
      "\n",
    ),
  );
  add(
    "2b. Download from storage that limits each connection",
    "Object storage (S3, GCS) caps what one connection carries; fetching parts of an object over several is how clients go faster there. The sandbox in another process sends each storage response at 50 MiB/s at most; each tool in a process of its own, in alternating order, against `curl -o` of the same signed URL in the same run; the median of the runs, on each Node.js line.",
    renderCapped(await cappedBench(sizes.cappedMiB, sizes.cappedRuns, sizes.cappedNodes), sizes.cappedMiB),
  );
  add(
    "3. Scale",
    "Exports and waits within the account's real hourly budget, against a sandbox in another process: one `createJobs` instance per account, its waits observed through the Jobs list; the anchors' per-job polling on the same workload.",
    renderScale(await scaleBench(sizes.exports, sizes.waits, sizes.longestJobMs)),
  );
  add(
    "4. Queue",
    "`@impactkit/queue`: export pipelines through BullMQ worker processes and a real Redis (`redis-server`), against a sandbox in another process.",
    renderQueue(await queueBench(sizes.pipelines)),
  );
  add("5. Overhead", "`GET /Jobs/{JobId}` through the generated client against raw `fetch`.", renderOverhead(await overheadBench(sizes.calls)));
  add("6. Type-check cost", "`tsc --noEmit --extendedDiagnostics` (TypeScript 7) of a consumer against an empty one.", renderTypecheck(await typecheckBench()));
  add("7. Bundle size", "size-limit (rolldown, brotli), `packages/jobs/.size-limit.json`.", renderBundle(await bundleBench()));
  const markdown = [
    "# Benchmarks",
    "",
    `Produced by \`pnpm bench\` (bench/src/run-all.ts) on ${machine()}. Speeds are ratios against a baseline measured in the same run; nothing here is asserted in tests (\`pnpm test\` runs a small smoke version only).`,
    "",
    ...sections.flatMap(([title, what, body]) => [`## ${title}`, "", what, "", body, ""]),
  ].join("\n");
  return { markdown, charts };
}

const isMain = process.argv[1] && import.meta.filename === process.argv[1];
if (isMain) {
  const { values } = parseArgs({ options: { smoke: { type: "boolean", default: false } } });
  console.log(`Machine: ${machine()}`);
  const { markdown, charts } = await runAll(values.smoke ? SMOKE : FULL, (text) => console.log(text));
  if (!values.smoke) {
    const docs = join(import.meta.dirname, "..", "..", "docs");
    writeFileSync(join(docs, "benchmarks.md"), markdown);
    mkdirSync(join(docs, "charts"), { recursive: true });
    for (const [name, chart] of Object.entries(charts)) writeFileSync(join(docs, "charts", name), chart);
    console.log(`Wrote docs/benchmarks.md and docs/charts/${Object.keys(charts).join(", ")}`);
  }
}
