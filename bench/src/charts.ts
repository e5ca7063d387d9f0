import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import type { DownloadRow } from "./download-bench.ts";
import type { PolicyRow } from "./poll-policy-bench.ts";

/** A Vega-Lite chart rendered to SVG in this process (Vega's headless view, no browser, no canvas). */
async function svg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/**
 * Each poll policy's cost against its speed: mean requests per job across, p95 detection delay up (log
 * scale), one point per policy and workload (with and without a queue phase); down and to the left is better.
 */
export function policyChart(plain: readonly PolicyRow[], queued: readonly PolicyRow[]): Promise<string> {
  const values = [...plain.map((row) => ({ ...row, workload: "jobs run at once" })), ...queued.map((row) => ({ ...row, workload: "with a queue phase" }))].map(
    (row) => ({
      policy: row.policy,
      workload: row.workload,
      requests: Number(row.requests.mean.toFixed(2)),
      p95: Number((row.delay.p95Ms / 1000).toFixed(2)),
      impactkit: row.policy.startsWith("impactkit"),
    }),
  );
  const encoding = {
    x: { field: "requests", type: "quantitative", title: "requests per job (mean)", scale: { zero: true } },
    y: { field: "p95", type: "quantitative", title: "detection delay p95 (s, log)", scale: { type: "log" } },
  } as const;
  return svg({
    $schema: SCHEMA,
    title: "Poll policies: requests against detection delay (lower left is better)",
    width: 560,
    height: 320,
    data: { values },
    layer: [
      {
        mark: { type: "point", filled: true, size: 90 },
        encoding: {
          ...encoding,
          color: { field: "impactkit", type: "nominal", title: "impactkit", scale: { range: ["#9aa5b1", "#d9480f"] } },
          shape: { field: "workload", type: "nominal", title: "workload" },
        },
      },
      {
        mark: { type: "text", align: "left", dx: 8, dy: -6, fontSize: 11 },
        encoding: { ...encoding, text: { field: "policy" } },
        transform: [{ filter: "datum.workload === 'jobs run at once'" }],
      },
    ],
  });
}

/** Download throughput per size and path: impactkit, curl and Node.js's fetch side by side (MB/s). */
export function downloadChart(rows: readonly DownloadRow[]): Promise<string> {
  const values = rows.flatMap((row) => {
    const group = `${row.size}, ${row.path}`;
    return [
      { group, tool: "impactkit", mbps: row.impactkitMBps },
      { group, tool: "curl", mbps: row.curlMBps },
      ...(row.fetchMBps === undefined ? [] : [{ group, tool: "Node.js fetch → file", mbps: row.fetchMBps }]),
    ];
  });
  return svg({
    $schema: SCHEMA,
    title: "Download throughput against curl (higher is better)",
    width: 560,
    height: 260,
    data: { values },
    mark: "bar",
    encoding: {
      y: { field: "group", type: "nominal", title: null },
      yOffset: { field: "tool", type: "nominal", sort: ["impactkit", "curl", "Node.js fetch → file"] },
      x: { field: "mbps", type: "quantitative", title: "MB/s (median of the runs)" },
      color: {
        field: "tool",
        type: "nominal",
        title: null,
        sort: ["impactkit", "curl", "Node.js fetch → file"],
        scale: { range: ["#d9480f", "#495057", "#adb5bd"] },
      },
    },
  });
}
