import { describe, expect, it } from "vitest";
import { DOWNLOAD_SERIES, DOWNLOAD_UNIT, downloadChart, downloadChartSpec, POLICY_FAMILIES, policyChart, policyChartSpec } from "./charts.ts";
import { renderDownload, type DownloadRow } from "./download-bench.ts";
import { pollPolicyBench } from "./poll-policy-bench.ts";
import { downloadRowsOf } from "./redraw-charts.ts";

/** Rows as a download run gives them, with fixed numbers: the default path has every tool, the others no fetch and no CLI. */
const ROWS: DownloadRow[] = ["256 MiB", "1 GiB"].flatMap((size) => [
  { size, bytes: 1, path: "302 → storage", impactkitMBps: 420, curlMBps: 800, ratio: 0.53, fetchMBps: 340, cliMBps: 400, cliRatio: 0.5, rssGrowthMB: 90 },
  {
    size,
    bytes: 1,
    path: "302 → storage, one connection",
    impactkitMBps: 490,
    curlMBps: 800,
    ratio: 0.61,
    fetchMBps: undefined,
    cliMBps: undefined,
    cliRatio: undefined,
    rssGrowthMB: 100,
  },
  {
    size,
    bytes: 1,
    path: "Mode=Stream",
    impactkitMBps: 510,
    curlMBps: 850,
    ratio: 0.6,
    fetchMBps: undefined,
    cliMBps: undefined,
    cliRatio: undefined,
    rssGrowthMB: 100,
  },
]);

/** The texts of an SVG's `<text>` elements. */
const texts = (svg: string): string[] =>
  [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((match) => match[1]!.replaceAll("&amp;", "&").replaceAll("&gt;", ">"));

/** Every value of `key` anywhere in a spec. */
const valuesOf = (spec: unknown, key: string): unknown[] =>
  spec !== null && typeof spec === "object" ? Object.entries(spec).flatMap(([name, value]) => [...(name === key ? [value] : []), ...valuesOf(value, key)]) : [];

describe("the poll chart", () => {
  const [plain, queued] = [pollPolicyBench(200), pollPolicyBench(200, 42, true)];

  it("says in its legend which policies are impactkit's and which the other SDKs', in words", async () => {
    const spec = policyChartSpec(plain, queued);
    const data = (spec.data as { values: Array<Record<string, unknown>> }).values;
    expect(new Set(data.map((row) => row.family))).toEqual(new Set([POLICY_FAMILIES.impactkit, POLICY_FAMILIES.other]));
    for (const row of data) for (const value of Object.values(row)) expect(typeof value).not.toBe("boolean");
    const labels = texts(await policyChart(plain, queued));
    expect(labels).toContain("impactkit");
    expect(labels).toContain("other SDKs' policies");
    expect(labels).not.toContain("true");
    expect(labels).not.toContain("false");
    expect(labels.filter((label) => label.endsWith("…"))).toEqual([]);
  });
});

describe("the download chart", () => {
  it("has a series for each tool the table has, the CLI's included, named as the table's columns", async () => {
    const spec = downloadChartSpec(ROWS);
    const data = (spec.data as { values: Array<{ group: string; tool: string; speed: number }> }).values;
    expect(DOWNLOAD_SERIES.map((series) => series.tool)).toContain("impactkit CLI");
    expect(data.filter((bar) => bar.tool === "impactkit CLI")).toEqual([
      { group: "256 MiB, 302 → storage", tool: "impactkit CLI", speed: 400 },
      { group: "1 GiB, 302 → storage", tool: "impactkit CLI", speed: 400 },
    ]);
    // A tool not measured on a path has no bar there (not a bar of 0).
    expect(data.filter((bar) => bar.group === "1 GiB, Mode=Stream").map((bar) => bar.tool)).toEqual(["impactkit", "curl"]);
    const table = renderDownload({ rows: ROWS, records: [] });
    for (const { tool } of DOWNLOAD_SERIES) expect(table).toContain(`| ${tool} ${DOWNLOAD_UNIT} |`);
    const labels = texts(await downloadChart(ROWS));
    for (const { tool } of DOWNLOAD_SERIES) expect(labels).toContain(tool);
  });

  it("gives speeds in the table's unit, MiB/s", async () => {
    expect(DOWNLOAD_UNIT).toBe("MiB/s");
    expect(renderDownload({ rows: ROWS, records: [] })).toContain(`| impactkit ${DOWNLOAD_UNIT} | curl ${DOWNLOAD_UNIT} |`);
    const title = (downloadChartSpec(ROWS) as { encoding: { x: { title: string } } }).encoding.x.title;
    expect(title).toMatch(/^MiB\/s\b/);
    const labels = texts(await downloadChart(ROWS));
    expect(labels).toContain(title);
    expect(labels.filter((label) => /\bMB\/s/.test(label))).toEqual([]);
  });

  it("shows every row's and series' label whole, none cut with …", async () => {
    expect(valuesOf(downloadChartSpec(ROWS), "labelLimit")).toEqual([0, 0]);
    const labels = texts(await downloadChart(ROWS));
    expect(labels).toContain("1 GiB, 302 → storage, one connection");
    expect(labels).toContain("256 MiB, 302 → storage, one connection");
    expect(labels).toContain("Node fetch → file");
    expect(labels.filter((label) => label.endsWith("…"))).toEqual([]);
  });
});

describe("charts drawn again from docs/benchmarks.md (pnpm --filter @impactkit/bench charts)", () => {
  it("read the download table back as the run wrote it", () => {
    const markdown = ["## 2. Download", "", renderDownload({ rows: ROWS, records: [] }), ""].join("\n");
    expect(downloadRowsOf(markdown)).toEqual(ROWS);
  });

  it("read a table written before the CLI's ratio had a column: the CLI's speed, no ratio", () => {
    const markdown = [
      "| result | bytes | path | impactkit MiB/s | curl MiB/s | impactkit ÷ curl | Node fetch → file MiB/s | impactkit CLI MiB/s | RSS growth during the transfer |",
      "|---|---|---|---|---|---|---|---|---|",
      "| 1 GiB | 1,073,741,880 | 302 → storage | 423 | 803 | 0.55× | 346 | 408 | 114.1 MB |",
      "| 1 GiB | 1,073,741,880 | Mode=Stream | 510 | 852 | 0.58× | — | — | 104.3 MB |",
      "",
      "| result | rows |",
    ].join("\n");
    expect(downloadRowsOf(markdown)).toEqual([
      {
        size: "1 GiB",
        bytes: 1_073_741_880,
        path: "302 → storage",
        impactkitMBps: 423,
        curlMBps: 803,
        ratio: 0.55,
        fetchMBps: 346,
        cliMBps: 408,
        cliRatio: undefined,
        rssGrowthMB: 114.1,
      },
      {
        size: "1 GiB",
        bytes: 1_073_741_880,
        path: "Mode=Stream",
        impactkitMBps: 510,
        curlMBps: 852,
        ratio: 0.58,
        fetchMBps: undefined,
        cliMBps: undefined,
        cliRatio: undefined,
        rssGrowthMB: 104.3,
      },
    ]);
  });
});
