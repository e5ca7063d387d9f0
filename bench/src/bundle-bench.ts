import { join } from "node:path";
import { command } from "./processes.ts";
import { table } from "./stats.ts";

const JOBS = join(import.meta.dirname, "..", "..", "packages", "jobs");

export interface BundleRow {
  name: string;
  bytes: number;
  limit: number | undefined;
  passed: boolean;
}

/** size-limit's report of the jobs entry points (brotli, all dependencies), as `packages/jobs/.size-limit.json` lists them. */
export async function bundleBench(): Promise<BundleRow[]> {
  const output = await command(process.execPath, [join(JOBS, "node_modules", "size-limit", "bin.js"), "--json"], JOBS);
  return (JSON.parse(output) as Array<{ name: string; size: number; sizeLimit?: number; passed?: boolean }>).map((entry) => ({
    name: entry.name,
    bytes: entry.size,
    limit: entry.sizeLimit,
    passed: entry.passed ?? true,
  }));
}

export function renderBundle(rows: readonly BundleRow[]): string {
  const path = rows.find((row) => row.name.startsWith("wait + download"))!;
  const client = rows.find((row) => row.name.startsWith("a flavor client alone"))!;
  const kB = (bytes: number) => `${(bytes / 1000).toFixed(2)} kB`;
  return [
    table(
      ["entry point", "brotli", "budget"],
      rows.map((row) => [row.name, kB(row.bytes), row.limit ? `${(row.limit / 1000).toFixed(1)} kB (${row.passed ? "within" : "**over**"})` : "—"]),
    ),
    "",
    `Target for the wait + download path: 6 kB — ${path.bytes <= 6_000 ? "met" : "**not met**"}. The flavor client alone is ${kB(client.bytes)}, leaving ${kB(6_000 - client.bytes)} for waiting, rate pacing, retries, resumable downloads and typed errors, which take ${kB(path.bytes - client.bytes)}.`,
  ].join("\n");
}
