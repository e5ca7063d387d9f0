/** What a flavor package says about the API its types were generated from. */
export interface ApiSpec {
  /** The API family: `partner`, `agency` or `brand`. */
  readonly api: string;
  /** The impact.com API version the types describe, sent as `IR-Version`. */
  readonly apiVersion: string;
  readonly title: string;
  /** sha256 of the merged OpenAPI document the types were generated from. */
  readonly sha256: string;
  /** The account's base path, e.g. `/Mediapartners/{AccountSID}`. */
  readonly basePath: string;
  /** How the flavor differs on the wire, read from its merged spec by `pnpm generate`. */
  readonly traits: FlavorTraits;
}

/**
 * What jobs, the sandbox and the CLI need to know of a flavor, read from its merged spec and shipped in the
 * package's `SPEC.traits`: code reads these instead of branching on a flavor's name.
 */
export interface FlavorTraits {
  /** The names of the rate-limit headers of every answer (https://integrations.impact.com/impact-publisher/reference/rate-limits). */
  readonly rateLimitHeaders: { readonly limit: string; readonly remaining: string; readonly reset: string };
  /** The path parameter naming the report in `/ReportExport/{…}`: `Id` (partner) or `ReportId`. */
  readonly reportParameter: string;
  /** ReportExport query parameters the spec marks required. */
  readonly requiredReportParams: readonly string[];
  /** Where ClickExport lives: `/ClickExport` (`account`), `/Programs/{ProgramId}/ClickExport` (`program`), or nowhere. */
  readonly clickExport: "account" | "program" | "none";
  /** The earliest click date ClickExport accepts (`x-earliest` of its `Date` parameter), if the docs name one. */
  readonly earliestClickDate: string | null;
  /** Whether a refused ReportExport answers HTTP 200 with `Status: "ERROR"` (`x-refusal-status: 200` of the operation). */
  readonly refusalsAs200: boolean;
  /** The Jobs list body the flavor's docs show (`x-documented-schema`): a bare array, or `{"Jobs": […]}` beside the paging fields. */
  readonly listShape: "array" | "envelope";
  /** The format of the Jobs list's `CreatedAfter`/`CreatedBefore`: `date` (YYYY-MM-DD) or `date-time`. */
  readonly listDateFormat: "date" | "date-time";
  /** The fields of the flavor's Job: a Job with others comes from a server speaking another version. */
  readonly jobFields: readonly string[];
  /** How the flavor's Job leaves a date unset: `""` (every example response), or `null` where its models say nullable (brand). */
  readonly unsetDates: "null" | "empty";
  /** Whether the flavor documents `GET /Reports` and `GET /Reports/{Id}/MetaData`. */
  readonly reportDiscovery: boolean;
}
