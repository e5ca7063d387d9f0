import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { SPEC as agencySpec } from "@impactkit/agency-v3";
import { SPEC as brandSpec } from "@impactkit/brand";
import { SPEC as partnerSpec } from "@impactkit/partner-v15";

export type FlavorId = "partner-v15" | "agency-v3" | "brand";

/** How one API flavor differs on the wire (https://integrations.impact.com, impact-api.md §1–§3). */
export interface SandboxFlavor {
  id: FlavorId;
  api: "partner" | "agency" | "brand";
  /** First path segment: `Mediapartners`, `Agencies` or `Advertisers`. */
  segment: string;
  apiVersion: string;
  /** The package whose merged OpenAPI document describes this flavor. */
  specPackage: string;
  /** Rate-limit header names: partner has hourly names and `RateLimit-Reset`, brand/agency `X-RateLimit-*`. */
  rateLimitHeaders: { limit: string; remaining: string; reset: string };
  /** Where ClickExport lives: `/ClickExport` (partner), `/Programs/{ProgramId}/ClickExport` (brand), none (agency). */
  clickExport: "account" | "program" | "none";
  /** Report parameters the flavor's spec marks required (partner: START_DATE and END_DATE). */
  requiredReportParams: readonly string[];
  /** The agency API refuses a ReportExport with HTTP 200 and `Status: "ERROR"`. */
  reportErrorsAs200: boolean;
}

const segmentOf = (basePath: string): string => basePath.split("/")[1]!;

export const FLAVORS: readonly SandboxFlavor[] = [
  {
    id: "partner-v15",
    api: "partner",
    segment: segmentOf(partnerSpec.basePath),
    apiVersion: partnerSpec.apiVersion,
    specPackage: "@impactkit/partner-v15",
    rateLimitHeaders: { limit: "X-RateLimit-Limit-hour", remaining: "X-RateLimit-Remaining-hour", reset: "RateLimit-Reset" },
    clickExport: "account",
    requiredReportParams: ["START_DATE", "END_DATE"],
    reportErrorsAs200: false,
  },
  {
    id: "agency-v3",
    api: "agency",
    segment: segmentOf(agencySpec.basePath),
    apiVersion: agencySpec.apiVersion,
    specPackage: "@impactkit/agency-v3",
    rateLimitHeaders: { limit: "X-RateLimit-Limit", remaining: "X-RateLimit-Remaining", reset: "X-RateLimit-Reset" },
    clickExport: "none",
    requiredReportParams: [],
    reportErrorsAs200: true,
  },
  {
    id: "brand",
    api: "brand",
    segment: segmentOf(brandSpec.basePath),
    apiVersion: brandSpec.apiVersion,
    specPackage: "@impactkit/brand",
    rateLimitHeaders: { limit: "X-RateLimit-Limit", remaining: "X-RateLimit-Remaining", reset: "X-RateLimit-Reset" },
    clickExport: "program",
    requiredReportParams: [],
    reportErrorsAs200: false,
  },
];

export function flavorBySegment(segment: string): SandboxFlavor | undefined {
  return FLAVORS.find((flavor) => flavor.segment === segment);
}

const require = createRequire(import.meta.url);

/** The merged OpenAPI document of a flavor, as its package ships it. */
export function loadSpecDocument(flavor: SandboxFlavor): Record<string, unknown> {
  return JSON.parse(readFileSync(require.resolve(`${flavor.specPackage}/openapi.json`), "utf8")) as Record<string, unknown>;
}
