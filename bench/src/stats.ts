import { mulberry32 } from "@impactkit/sandbox";

/** The q-quantile (0–1) of numbers, by nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** A seeded pseudo-random generator: the sandbox's, so that runs repeat. */
export const seeded: (seed: number) => () => number = mulberry32;

/** A log-normal sample by Box–Muller. */
export function logNormal(random: () => number, median: number, sigma: number): number {
  const u = Math.max(random(), Number.EPSILON);
  const v = random();
  return median * Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
}

/** A Markdown table. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  return [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((row) => `| ${row.join(" | ")} |`)].join("\n");
}
