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
 * No cap on the width of an axis's or a legend's labels: Vega cuts longer ones with "…" (180 px on axes, 160 px
 * in legends by default; https://vega.github.io/vega-lite/docs/axis.html#labels), and every label here names a
 * row or a series the tables name in full.
 */
const WHOLE_LABELS = { labelLimit: 0 } as const;

/** The policies of the poll chart's legend: impactkit's beside the other SDKs' (the rows of the table). */
export const POLICY_FAMILIES = { impactkit: "impactkit", other: "other SDKs' policies" } as const;

/**
 * The poll chart: each poll policy's cost against its speed — mean requests per job across, p95 detection delay up
 * (log scale), one point per policy and workload (with and without a queue phase); down and to the left is better.
 */
export function policyChartSpec(plain: readonly PolicyRow[], queued: readonly PolicyRow[]): TopLevelSpec {
  const values = [...plain.map((row) => ({ ...row, workload: "jobs run at once" })), ...queued.map((row) => ({ ...row, workload: "with a queue phase" }))].map(
    (row) => ({
      policy: row.policy,
      workload: row.workload,
      requests: Number(row.requests.mean.toFixed(2)),
      p95: Number((row.delay.p95Ms / 1000).toFixed(2)),
      family: row.policy.startsWith("impactkit") ? POLICY_FAMILIES.impactkit : POLICY_FAMILIES.other,
    }),
  );
  const encoding = {
    x: { field: "requests", type: "quantitative", title: "requests per job (mean)", scale: { zero: true } },
    y: { field: "p95", type: "quantitative", title: "detection delay p95 (s, log)", scale: { type: "log" } },
  } as const;
  const families = [POLICY_FAMILIES.impactkit, POLICY_FAMILIES.other];
  return {
    $schema: SCHEMA,
    title: "Poll policies: requests against detection delay (lower left is better)",
    width: 560,
    height: 320,
    data: { values },
    config: { legend: WHOLE_LABELS },
    layer: [
      {
        mark: { type: "point", filled: true, size: 90 },
        encoding: {
          ...encoding,
          color: { field: "family", type: "nominal", title: "policy", sort: families, scale: { domain: families, range: ["#d9480f", "#9aa5b1"] } },
          shape: { field: "workload", type: "nominal", title: "workload" },
        },
      },
      {
        mark: { type: "text", align: "left", dx: 8, dy: -6, fontSize: 11 },
        encoding: { ...encoding, text: { field: "policy" } },
        transform: [{ filter: "datum.workload === 'jobs run at once'" }],
      },
    ],
  };
}

/** The poll chart, rendered. */
export function policyChart(plain: readonly PolicyRow[], queued: readonly PolicyRow[]): Promise<string> {
  return svg(policyChartSpec(plain, queued));
}

/** The unit of the download chart's axis: the one of the download table's speeds (MiB per second). */
export const DOWNLOAD_UNIT = "MiB/s";

/**
 * The download chart's series, in its legend's order, each named as its column of the download table
 * (`<name> MiB/s`): the library, the CLI (a whole process, start-up included), the baseline and Node.js's fetch.
 */
export const DOWNLOAD_SERIES = [
  { tool: "impactkit", speed: (row: DownloadRow) => row.impactkitMBps, color: "#d9480f" },
  { tool: "impactkit CLI", speed: (row: DownloadRow) => row.cliMBps, color: "#f59f00" },
  { tool: "curl", speed: (row: DownloadRow) => row.curlMBps, color: "#495057" },
  { tool: "Node fetch → file", speed: (row: DownloadRow) => row.fetchMBps, color: "#adb5bd" },
] as const;

/**
 * The download chart: throughput per size and path, each tool measured in the same runs, side by side
 * (in MiB/s, as the table has it). A tool not measured on a path has no bar there.
 */
export function downloadChartSpec(rows: readonly DownloadRow[]): TopLevelSpec {
  const values = rows.flatMap((row) =>
    DOWNLOAD_SERIES.flatMap(({ tool, speed }) => {
      const value = speed(row);
      return value === undefined ? [] : [{ group: `${row.size}, ${row.path}`, tool, speed: Number(value.toFixed(1)) }];
    }),
  );
  const tools = DOWNLOAD_SERIES.map((series) => series.tool);
  return {
    $schema: SCHEMA,
    title: "Download throughput against curl (higher is better)",
    width: 560,
    height: 320,
    data: { values },
    mark: "bar",
    encoding: {
      y: { field: "group", type: "nominal", title: null, axis: WHOLE_LABELS },
      yOffset: { field: "tool", type: "nominal", sort: tools, scale: { domain: tools } },
      x: { field: "speed", type: "quantitative", title: `${DOWNLOAD_UNIT} (median of the runs)` },
      color: {
        field: "tool",
        type: "nominal",
        title: null,
        sort: tools,
        scale: { domain: tools, range: DOWNLOAD_SERIES.map((series) => series.color) },
        legend: WHOLE_LABELS,
      },
    },
  };
}

/** The download chart, rendered. */
export function downloadChart(rows: readonly DownloadRow[]): Promise<string> {
  return svg(downloadChartSpec(rows));
}
