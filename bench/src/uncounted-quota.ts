import type { ExportQuotaStore } from "@impactkit/jobs";

/**
 * The scale workloads export more jobs on one account than its daily quota allows (100 ReportExport a day,
 * https://integrations.impact.com/partner-api-reference/readme/rate-limits): they measure waiting, so the
 * sandbox lifts its quota (`UNLIMITED_EXPORTS`) and the clients count nothing.
 */
export const UNCOUNTED: ExportQuotaStore = {
  take: async () => ({ ok: true }),
  block: async () => undefined,
  left: async (_kind, limit) => ({ left: limit }),
};

/** The sandbox's `dailyExportLimits` of the scale workloads: more than any of them exports (JSON carries it to the sandbox's process). */
export const UNLIMITED_EXPORTS = { ReportExport: 1_000_000 };
