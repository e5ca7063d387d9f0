import { createClient as agencyClient } from "@impactkit/agency-v3";
import { createClient as brandClient } from "@impactkit/brand";
import { createJobs, type Jobs, type JobsOptions } from "@impactkit/jobs";
import { createClient as partnerClient } from "@impactkit/partner-v15";
import { startSandbox, type Sandbox, type SandboxOptions } from "@impactkit/sandbox";

export const ACCOUNT = { accountSid: "IRRELIABLE01", authToken: "tok-reliability-5up3r-s3cret" };
/** A custom credential header a user might add to the API client: it must never reach storage either. */
export const CUSTOM_HEADER = { name: "X-Api-Key", value: "custom-key-Zq81-never-leak" };
export const SCALE = 1_000;

export type FlavorName = "partner" | "agency" | "brand";
export const FLAVOR_NAMES: readonly FlavorName[] = ["partner", "agency", "brand"];

export function startReliabilitySandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  return startSandbox({ accounts: [ACCOUNT], clock: { timeScale: SCALE }, job: { queueMs: 0, runMs: 2_000, rows: 2_000 }, ...options });
}

/** The jobs of the reliability account in one flavor, with a custom credential header on the client. */
export function jobsOf(sandbox: Sandbox, flavor: FlavorName, options: JobsOptions = {}): Jobs<{}> {
  const clientOptions = { ...ACCOUNT, baseUrl: sandbox.url, headers: { [CUSTOM_HEADER.name]: CUSTOM_HEADER.value } };
  // Sandbox time runs 1,000× faster than real time: a day of sandbox time (86 s real) as the deadline, so that a
  // loaded machine cannot reach it, and a stalled response or body given up after 1 s real.
  const jobsOptions: JobsOptions = { timing: sandbox.control.timers(), timeoutMs: 86_400_000, requestTimeoutMs: 1_000_000, idleTimeoutMs: 1_000_000, ...options };
  const client = flavor === "partner" ? partnerClient(clientOptions) : flavor === "agency" ? agencyClient(clientOptions) : brandClient(clientOptions);
  return createJobs(client as never, jobsOptions) as Jobs<{}>;
}

/** Schedules a report export in any flavor; `tag` makes the request unique (identical requests share a job). */
export function exportIn(jobs: Jobs<{}>, tag: number): ReturnType<Jobs<{}>["exportReport"]> {
  const day = `2026-${String((tag % 12) + 1).padStart(2, "0")}-${String((tag % 28) + 1).padStart(2, "0")}`;
  const params: Record<string, unknown> =
    jobs.spec.api === "partner" ? { START_DATE: day, END_DATE: day, SUBAID: String(tag) } : jobs.spec.api === "agency" ? { START_DATE: day, SUBAID: String(tag) } : { SUBAID: tag };
  const report = jobs.spec.api === "partner" ? "mp_action_listing_fast" : jobs.spec.api === "agency" ? "att_adv_performance_by_day_pm_only" : "4222";
  return jobs.exportReport(report, params as never);
}
