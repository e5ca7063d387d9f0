import { createJobs, type ExportQuotaStore, type Jobs, type JobsOptions } from "@impactkit/jobs";
import { startSandbox, type Sandbox, type SandboxOptions } from "@impactkit/sandbox";
import { FLAVOR_PACKAGES, type FlavorId } from "./generated/flavors.ts";

export const ACCOUNT = { accountSid: "IRRELIABLE01", authToken: "tok-reliability-5up3r-s3cret" };
/** A custom credential header a user might add to the API client: it must never reach storage either. */
export const CUSTOM_HEADER = { name: "X-Api-Key", value: "custom-key-Zq81-never-leak" };
const SCALE = 1_000;

/** Every flavor package of specs/flavors.json: the matrix covers each release. */
export type FlavorName = FlavorId;
export const FLAVOR_NAMES: readonly FlavorName[] = Object.keys(FLAVOR_PACKAGES) as FlavorName[];

/** The title of a flavor, as its package's `SPEC` says (`impact.com Partner API v16`). */
export const titleOf = (flavor: FlavorName): string => FLAVOR_PACKAGES[flavor].SPEC.title;

/**
 * The matrix and the soak export far more on the one account than its daily quota allows (100 ReportExport jobs a
 * day, https://integrations.impact.com/partner-api-reference/readme/rate-limits): they test recovery from faults,
 * so the sandbox lifts the quota and the clients count nothing (`packages/jobs` and `packages/sandbox` test it).
 */
const UNCOUNTED: ExportQuotaStore = { take: async () => ({ ok: true }), block: async () => undefined, left: async (_kind, limit) => ({ left: limit }) };

export function startReliabilitySandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  return startSandbox({
    accounts: [ACCOUNT],
    clock: { timeScale: SCALE },
    job: { queueMs: 0, runMs: 2_000, rows: 2_000 },
    reports: "any",
    dailyExportLimits: { ReportExport: Number.POSITIVE_INFINITY, ClickExport: Number.POSITIVE_INFINITY },
    ...options,
  });
}

/** The jobs of the reliability account in one flavor, with a custom credential header on the client. */
export function jobsOf(sandbox: Sandbox, flavor: FlavorName, options: JobsOptions = {}): Jobs<{}> {
  const clientOptions = { ...ACCOUNT, baseUrl: sandbox.url, headers: { [CUSTOM_HEADER.name]: CUSTOM_HEADER.value } };
  // Sandbox time runs 1,000× faster than real time: a day of sandbox time (86 s real) as the deadline, so that a
  // loaded machine cannot reach it, and a stalled response or body given up after 1 s real.
  const jobsOptions: JobsOptions = {
    timing: sandbox.control.timers(),
    timeoutMs: 86_400_000,
    requestTimeoutMs: 1_000_000,
    idleTimeoutMs: 1_000_000,
    exportQuota: UNCOUNTED,
    ...options,
  };
  return createJobs(FLAVOR_PACKAGES[flavor].createClient(clientOptions) as never, jobsOptions) as Jobs<{}>;
}

/**
 * Schedules a report export in any flavor: the report parameters its spec marks required (dates) and
 * `SUBAID`; `tag` makes the request unique (identical requests share a job). The sandbox serves any report id.
 */
export function exportIn(jobs: Jobs<{}>, tag: number): ReturnType<Jobs<{}>["exportReport"]> {
  const day = `2026-${String((tag % 12) + 1).padStart(2, "0")}-${String((tag % 28) + 1).padStart(2, "0")}`;
  const params: Record<string, unknown> = { ...Object.fromEntries(jobs.spec.traits.requiredReportParams.map((name) => [name, day])), SUBAID: String(tag) };
  return jobs.exportReport("reliability_report", params as never);
}
