/**
 * Numbers, sizes and durations in the one form every line of the CLI uses — tables, progress, results and
 * errors alike: counts with thousands separators (`1,000`), binary sizes (`1.5 MiB`), durations as people read
 * a wait (`4.2s`, `42s`, `3m05s`, `1h12m`).
 */

const count = new Intl.NumberFormat("en-US");

/** A count with thousands separators: `1,000`. */
export function formatCount(value: number): string {
  return count.format(value);
}

/** Bytes in binary units (IEC 80000-13), as `ls -h` and the benchmarks' tables give them: `512 B`, `1.5 MiB`. */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** Seconds as people read a wait: `42s`, `3m05s`, `1h12m`; under ten seconds with a tenth (`4.2s`). */
export function formatSeconds(seconds: number): string {
  if (seconds < 9.95) return `${Math.max(0, seconds).toFixed(1)}s`;
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole}s`;
  if (whole < 3600) return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, "0")}s`;
  return `${Math.floor(whole / 3600)}h${String(Math.floor((whole % 3600) / 60)).padStart(2, "0")}m`;
}

/** Milliseconds as `formatSeconds` gives them. */
export function formatDuration(ms: number): string {
  return formatSeconds(ms / 1000);
}

/** A library message's `N ms` durations in the CLI's form: `within 3600000 ms` → `within 1h00m`. */
export function humanDurations(message: string): string {
  return message.replace(/\b(\d+) ms\b/g, (_, ms: string) => formatDuration(Number(ms)));
}
