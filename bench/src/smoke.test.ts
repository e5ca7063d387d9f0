import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runAll, SMOKE } from "./run-all.ts";

describe("benchmarks (smoke: tiny sizes, no timing asserted)", () => {
  it("every benchmark runs and reports its table", async () => {
    const { markdown, charts } = await runAll(SMOKE);
    // The charts the Markdown shows, rendered: an SVG each, with the policies and tools they plot.
    for (const name of Object.keys(charts)) expect(markdown).toContain(`(charts/${name})`);
    expect(charts["poll-policies.svg"]).toMatch(/^<svg[^]*impactkit \(default\)[^]*Google LRO[^]*<\/svg>$/);
    expect(charts["download-throughput.svg"]).toMatch(/^<svg[^]*curl[^]*<\/svg>$/);
    for (const title of [
      "1. Poll policy",
      "2. Download",
      "2b. Download from storage that limits each connection",
      "3. Scale",
      "4. Queue",
      "5. Overhead",
      "6. Type-check cost",
      "7. Bundle size",
    ])
      expect(markdown).toContain(`## ${title}`);
    expect(markdown).toMatch(/\| impactkit \(default\) \| \d+ \| \d+ \|/);
    expect(markdown).toMatch(/\| 4 MiB \| 4,194,\d{3} \| 302 → storage \|/);
    expect(markdown).toMatch(/\| 4 MiB \| 4,194,\d{3} \| Mode=Stream \|/);
    expect(markdown).toMatch(/\| 4 MiB \| 4,194,\d{3} \| 302 → storage, one connection \|/);
    for (const tool of [
      "impactkit download\\(\\) \\(default: parts over 8 connections\\)",
      "impactkit download\\(\\) over one connection",
      "impactkit jobs download \\(the CLI, whole process\\)",
    ]) {
      expect(markdown).toMatch(new RegExp(`\\| v\\d+\\.\\d+\\.\\d+ \\| ${tool} \\| \\d+ \\| \\d+ \\| [\\d.]+× \\|`));
    }
    expect(markdown).toMatch(/\| 4 MiB \| 89,241 \| [\d,]+ \| [\d,]+ \|/);
    expect(markdown).toMatch(/\| 200 \| 200 \|/);
    // (b) with V8's defaults and with the young generation capped as Node.js 20 has it: each row says which, and how large V8 let it grow.
    expect(markdown).toMatch(/\| \(b\) [^|]+ \| 10× \| defaults \| 100 \| 200 \| 200 \|/);
    expect(markdown).toMatch(/\| \(b\) [^|]+ \| 10× \| `--max-semi-space-size=16` \| 100 \| 200 \| 200 \|(?: [^|]+ \|){4} \d+ MB \| (?:[1-9]|[1-3]\d) MB \|/);
    expect(markdown.match(/\| [124] \| 10 \| [\d.]+ s \| \d+ \| [\d.]+× \| \d+ \|/g)).toHaveLength(3);
    expect(markdown).toMatch(/\| all three flavors \+ jobs \| [\d.]+ s \| [\d,]+ \|/);
    const budget = (
      JSON.parse(readFileSync(join(import.meta.dirname, "..", "..", "packages", "jobs", ".size-limit.json"), "utf8")) as Array<{ limit?: string }>
    )[0]!.limit!;
    expect(markdown).toMatch(
      new RegExp(
        `\\| wait \\+ download, with a flavor client and openapi-fetch \\| [\\d.]+ kB \\| ${Number.parseFloat(budget).toFixed(1).replace(".", "\\.")} kB \\(within\\) \\|`,
      ),
    );
  });
});
