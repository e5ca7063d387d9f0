import { abortable } from "../base/abort.js";
import { ExportQuotaError } from "../base/errors.js";
import type { JobsContext } from "../impact/context.js";
import { memoryExportQuota, type ExportKind, type ExportQuotaStore } from "../impact/export-quota.js";

/** What is left of each daily export quota of the account; a kind the flavor documents no daily limit for is absent. */
export type ExportQuotaStatus = { readonly [K in ExportKind]?: { limit: number; left: number; renewsAt?: number } };

/** The daily limit of `kind` in the client's flavor (`SPEC.traits.dailyExportLimits`), if its docs give one. */
const limitOf = (context: JobsContext, kind: ExportKind): number | undefined => context.client.spec.traits.dailyExportLimits?.[kind];

/** The instance's store: the one given, else its own in memory, made by the first export (a bundle that exports nothing leaves it out). */
const storeOf = (context: JobsContext): ExportQuotaStore => (context.exportQuota ??= memoryExportQuota());

/**
 * Counts an export of `kind` against the account's daily quota before it is sent
 * (https://integrations.impact.com/partner-api-reference/readme/rate-limits): rejects with `ExportQuotaError`
 * when the quota is spent. Resolves with the limit, or `undefined` where the flavor documents none (agency),
 * which counts nothing.
 */
export async function takeExport(context: JobsContext, kind: ExportKind, what: string, signal: AbortSignal | undefined): Promise<number | undefined> {
  const limit = limitOf(context, kind);
  if (limit === undefined) return undefined;
  const taken = await abortable(storeOf(context).take(kind, limit, context.call.timing.now()), what, signal);
  if (!taken.ok) throw new ExportQuotaError(kind, limit, taken.renewsAt);
  return limit;
}

/** The server said the day's quota of `kind` is spent until `renewsAt` (a 429 renewing beyond the hour): the store refuses every export of it until then. */
export function blockExports(context: JobsContext, kind: ExportKind, renewsAt: number): Promise<void> {
  return storeOf(context).block(kind, renewsAt, context.call.timing.now());
}

/** Each daily export quota of the account: its limit, the exports left now, and when a slot frees if none is. */
export async function exportQuota(context: JobsContext): Promise<ExportQuotaStatus> {
  const now = context.call.timing.now();
  const kinds = (["ReportExport", "ClickExport"] as const).filter((kind) => limitOf(context, kind) !== undefined);
  const entries = await Promise.all(
    kinds.map(async (kind) => {
      const limit = limitOf(context, kind)!;
      return [kind, { limit, ...(await storeOf(context).left(kind, limit, now)) }] as const;
    }),
  );
  return Object.fromEntries(entries);
}
