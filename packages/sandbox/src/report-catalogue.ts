import { FIELDS } from "./result-file.js";
import type { SandboxFlavor } from "./flavors.js";

/** Report ids and handles known to a sandbox unless `reports` says otherwise. */
export const DEFAULT_REPORTS: readonly string[] = [
  "mp_action_listing_fast",
  "mp_action_listing_sku",
  "att_adv_performance_by_day_pm_only",
  "adv_action_listing_pm_only",
  "adv_click_data_pm_only",
  "4222",
];

/** A report the account cannot run through the API: listed with a `RunUri` into the web app, refused by ReportExport. */
export const UI_ONLY_REPORT = "mp_ui_only_summary";

const title = (id: string) =>
  id
    .replace(/^(mp|att|adv)_/, "")
    .replace(/_/g, " ")
    .replace(/^./, (first) => first.toUpperCase());

/**
 * The sandbox's reports as `GET /Reports` lists them (https://integrations.impact.com/partner-api-reference/reference/reports):
 * the API-accessible ones with their run, export and metadata URIs, and one UI-only report.
 */
export function reportList(flavor: SandboxFlavor, accountSid: string, ids: readonly string[]): Array<Record<string, unknown>> {
  const base = `/${flavor.segment}/${accountSid}`;
  return [
    ...ids.map((id) => ({
      Name: title(id),
      Id: id,
      Category: "Listing",
      Description: `Every action of the period, one row each (${FIELDS.join(", ")}).`,
      ApiAccessible: true,
      ApiRunUri: `${base}/Reports/${id}`,
      DeferredApiRunUri: `${base}/ReportExport/${id}`,
      MetaDataUri: `${base}/Reports/${id}/MetaData`,
    })),
    {
      Name: title(UI_ONLY_REPORT),
      Id: UI_ONLY_REPORT,
      Category: "Performance",
      Description: "A summary shown in the web app only.",
      ApiAccessible: false,
      RunUri: "/secure/mediapartner/report/viewReport.report?id=17698",
    },
  ];
}

/**
 * A report's metadata (https://integrations.impact.com/partner-api-reference/reference/reports): its filters —
 * the report parameters the flavor's spec requires, then `SUBAID` — and its attributes, the result's columns.
 */
export function reportMetadata(flavor: SandboxFlavor, accountSid: string, id: string): Record<string, unknown> {
  const base = `/${flavor.segment}/${accountSid}`;
  const dates = flavor.traits.requiredReportParams.map((name) => ({ Name: name, DataType: "Date (yyyy-MM-dd'T'HH:mm:ssZZ)", Format: "yyyy-MM-dd" }));
  return {
    Name: title(id),
    Id: id,
    Description: `Every action of the period, one row each.`,
    Filters: [...dates, { Name: "SUBAID", DataType: "Integer", Format: "" }],
    Attributes: FIELDS.map((name) => ({
      Name: name,
      DataType: name === "Clicks" ? "Integer" : name === "Amount" ? "Decimal" : "String",
      Description: `The result's ${name} column.`,
    })),
    RunUri: `${base}/Reports/${id}`,
    Uri: `${base}/Reports/${id}/MetaData`,
  };
}
