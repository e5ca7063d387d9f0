/** Range requests of the storage origin: `Range` (RFC 9110 §14.2) and `If-Range` (RFC 9110 §13.1.5). */

/** A single byte range (RFC 9110 §14.1.2), or `undefined` to send the whole file, or "unsatisfiable". */
export function byteRange(header: string | undefined, size: number): { start: number; end: number } | "unsatisfiable" | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? "");
  if (!match || (match[1] === "" && match[2] === "")) return undefined;
  if (match[1] === "") {
    const suffix = Number(match[2]);
    return suffix === 0 || size === 0 ? "unsatisfiable" : { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
  return start >= size || end < start ? "unsatisfiable" : { start, end };
}

/** An HTTP-date in the IMF-fixdate form (RFC 9110 §5.6.7). */
export function httpDate(epochMs: number): string {
  return new Date(epochMs).toUTCString();
}

/**
 * Whether an `If-Range` lets the `Range` apply (RFC 9110 §13.1.5): an entity tag must match the current
 * one by strong comparison (a weak tag never does), a date must equal the current `Last-Modified`
 * exactly. Anything else — another validator, or one that cannot be parsed — does not match, and the
 * server then sends the whole current representation with 200.
 */
export function ifRangeMatches(ifRange: string, etag: string, lastModified: number): boolean {
  const value = ifRange.trim();
  if (value.startsWith('"') || value.startsWith("W/")) return !value.startsWith("W/") && value === etag;
  const date = Date.parse(value);
  return Number.isFinite(date) && date === lastModified;
}
