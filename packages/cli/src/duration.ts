import { UsageError } from "./exit-codes.js";

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** `90s`, `30m`, `2h`, `500ms`, or a number of seconds, as milliseconds. */
export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new UsageError(`${flag} takes a duration such as 90s, 30m or 2h, got ${JSON.stringify(text)}`);
  return Math.round(Number(match[1]) * UNITS[match[2] ?? "s"]!);
}

/** A timeout flag's duration (`parseDuration`), which must be above 0: a wait of no time can never be met. */
export function parseTimeout(text: string, flag: string): number {
  const ms = parseDuration(text, flag);
  if (ms <= 0) throw new UsageError(`${flag} takes a duration above 0, such as 90s, 30m or 2h, got ${JSON.stringify(text)}`);
  return ms;
}
