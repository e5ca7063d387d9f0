export { ManualClock, ScaledClock, type Clock } from "./clock.js";
export { ROUTES, type Fault, type FaultKind, type RandomFaults, type Route, type ScriptedFault } from "./faults.js";
export { FLAVORS, type FlavorId, type SandboxFlavor } from "./flavors.js";
export { DEFAULT_PLAN, type JobPlan } from "./job-plan.js";
export type { JobState, SandboxJob } from "./job-store.js";
export type { RateLimitOptions } from "./rate-limit.js";
export type { LoggedRequest } from "./request-log.js";
export type { Violation } from "./response-validator.js";
export { DEFAULT_ACCOUNT, DEFAULT_REPORTS, startSandbox, type JobSnapshot, type Sandbox, type SandboxAccount, type SandboxControl, type SandboxOptions } from "./sandbox.js";
