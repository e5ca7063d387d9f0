/**
 * The kinds of export an account's daily quotas count apart: `ReportExport` and `ClickExport` jobs
 * (https://integrations.impact.com/impact-brand/reference/schedule-reports-with-reportexport-and-clickexport).
 */
export type ExportKind = "ReportExport" | "ClickExport";
/** Where an account's exports are counted against its daily quota: in the instance (default) or shared by a fleet. */
export interface ExportQuotaStore {
  /** Counts one export of `kind` at `now` (epoch ms) if fewer than `limit` were counted in the 24 h before, else says when a slot frees. */
  take(kind: ExportKind, limit: number, now: number): Promise<{ ok: true } | { ok: false; renewsAt: number }>;
  /** The server said at `now` that the quota is spent until `renewsAt`: refuse until then. */
  block(kind: ExportKind, renewsAt: number, now: number): Promise<void>;
  /** Exports of `kind` left at `now`, and when the next slot frees if none is left. */
  left(kind: ExportKind, limit: number, now: number): Promise<{ left: number; renewsAt?: number }>;
}

/**
 * The window an export counts in. impact.com documents the daily limits
 * (https://integrations.impact.com/partner-api-reference/readme/rate-limits) but not when the day renews: until
 * its headers say otherwise, an export counts for the 24 hours after it.
 */
export const DAILY_WINDOW_MS = 86_400_000;

/**
 * An `ExportQuotaStore` in memory, rolling 24 hours: the default of `createJobs`, one per instance. Share one
 * between the instances of one account in a process; a fleet of processes needs a shared one (Redis…).
 */
export function memoryExportQuota(): ExportQuotaStore {
  const counted: Record<ExportKind, number[]> = { ReportExport: [], ClickExport: [] };
  const blocked: Record<ExportKind, number> = { ReportExport: 0, ClickExport: 0 };
  /** The exports of `kind` still in the window at `now`, oldest first. */
  const inWindow = (kind: ExportKind, now: number): number[] => (counted[kind] = counted[kind].filter((at) => at + DAILY_WINDOW_MS > now));
  /** When an export of `kind` may go again, if it may not at `now`: the server's block, or the window's slot. */
  const renewal = (kind: ExportKind, limit: number, now: number): number | undefined => {
    if (blocked[kind] > now) return blocked[kind];
    const times = inWindow(kind, now);
    // With `limit` or more counted, a slot frees when all but `limit - 1` of them have left the window.
    return times.length < limit ? undefined : times[times.length - limit]! + DAILY_WINDOW_MS;
  };
  return {
    async take(kind, limit, now) {
      const renewsAt = renewal(kind, limit, now);
      if (renewsAt !== undefined) return { ok: false, renewsAt };
      counted[kind].push(now);
      return { ok: true };
    },
    async block(kind, renewsAt) {
      blocked[kind] = Math.max(blocked[kind], renewsAt);
    },
    async left(kind, limit, now) {
      const renewsAt = renewal(kind, limit, now);
      return renewsAt === undefined ? { left: limit - inWindow(kind, now).length } : { left: 0, renewsAt };
    },
  };
}
