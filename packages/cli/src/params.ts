import { UsageError } from "./exit-codes.js";

/**
 * `--param K=V` pairs as a query object; a key given more than once becomes a list
 * (`--param ProgramId=1 --param ProgramId=2`), as the repeatable ClickExport filters need.
 */
export function parseParams(pairs: readonly string[]): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  for (const pair of pairs) {
    const equals = pair.indexOf("=");
    if (equals <= 0) throw new UsageError(`--param takes KEY=VALUE, got ${JSON.stringify(pair)}`);
    const key = pair.slice(0, equals);
    const value = pair.slice(equals + 1);
    const existing = params[key];
    params[key] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return params;
}
