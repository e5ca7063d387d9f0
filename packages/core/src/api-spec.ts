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
  /** The path parameter naming the report in `/ReportExport/{…}`: `Id` (partner), `ReportId` (agency) or `ReportId_or_Handle` (brand). */
  readonly reportParameter: string;
  /** The query parameters the spec gives ReportExport (a report's own filters come beside them: its metadata names them). */
  readonly reportParams: readonly string[];
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
  /**
   * Report discovery where the flavor documents it (`GET /Reports` and `GET /Reports/{…}/MetaData`), else
   * `null`: the path parameter naming the report (`Id` or `ReportId`), and the list body its docs show — a bare
   * array (agency) or `{"Reports": […]}`.
   */
  readonly reportDiscovery: { readonly metadataParameter: string; readonly listShape: "array" | "envelope" } | null;
  /**
   * How many ReportExport and ClickExport jobs an account may schedule a day, beside the hourly budget
   * (`x-daily-limit` of the export operations: 100 and 10 for partner, https://integrations.impact.com/partner-api-reference/readme/rate-limits,
   * and brand, https://integrations.impact.com/impact-brand/reference/rate-limits), or `null` where the docs give
   * none (agency). `ClickExport` is left out where the flavor has no ClickExport or its docs give it no daily limit.
   * When the day renews is not documented.
   */
  readonly dailyExportLimits: { readonly ReportExport: number; readonly ClickExport?: number } | null;
}
