/**
 * For each flavor, a report the sandbox serves and the parameters an export of it needs, as the tests of
 * `@impactkit/mcp` and of `impactkit mcp` export it.
 */
export const SANDBOX_EXPORTS = [
  { api: "partner-v15", report: "mp_action_listing_fast", params: { START_DATE: "2026-11-01", END_DATE: "2026-11-24" } },
  { api: "partner-v16", report: "mp_action_listing_fast", params: { START_DATE: "2026-11-01", END_DATE: "2026-11-24" } },
  { api: "agency-v3", report: "att_adv_performance_by_day_pm_only", params: { START_DATE: "2026-11-01", END_DATE: "2026-11-24" } },
  { api: "brand", report: "adv_action_listing_pm_only", params: { SUBAID: "1234" } },
] as const;

/** The tools `@impactkit/mcp` serves, by name, sorted: what a client's `tools/list` must give. */
export const MCP_TOOLS: readonly string[] = [
  "budget",
  "describe_report",
  "download_result",
  "export_clicks",
  "export_report",
  "job_status",
  "list_reports",
  "preview_result",
  "summarize_result",
  "wait_for_job",
];
