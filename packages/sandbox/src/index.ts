/**
 * `@impactkit/sandbox`: an offline, stateful impact.com Jobs API on 127.0.0.1 for tests, demos and benchmarks —
 * every flavor, job lifecycles on a clock the caller controls, signed storage URLs, rate limits and injectable
 * faults, each JSON response checked against its flavor's OpenAPI spec.
 *
 * @packageDocumentation
 */
export { followClock, ManualClock, manualTimers, SANDBOX_START, ScaledClock, type Clock, type ClockTimers } from "./clock.js";
export { FAULT_KINDS, type FaultKindInfo, type FaultOf } from "./fault-kinds.js";
export { ROUTES, type ApiRoute, type Fault, type FaultKind, type RandomFaults, type Route, type ScriptedFault } from "./faults.js";
export { manualDriver, type ManualDriver } from "./manual-driver.js";
export { mulberry32 } from "./prng.js";
export { FLAVORS, type ExtraFlavor, type FlavorId, type SandboxFlavor } from "./flavors.js";
export { DEFAULT_PLAN, type JobPlan } from "./job-plan.js";
export type { JobState, SandboxJob } from "./job-store.js";
export type { HourlyUsage, RateLimitOptions } from "./rate-limit.js";
export type { LoggedRequest } from "./request-log.js";
export type { Violation } from "./response-validator.js";
export type { DailyExportLimits, ExportKind, ExportsToday } from "./daily-quota.js";
export {
  DEFAULT_ACCOUNT,
  DEFAULT_REPORTS,
  startSandbox,
  type ElsewhereRequest,
  type JobSnapshot,
  type ResultSnapshot,
  type Sandbox,
  type SandboxAccount,
  type SandboxControl,
  type SandboxOptions,
} from "./sandbox.js";
