/**
 * `@impactkit/jobs/engine`: the machinery under `createJobs`, for adapters of other job APIs and for tools
 * that measure it — the poll engine and its policy, the rate gate and the readers of rate-limit and
 * `Retry-After` headers. Kept off the main entry point: most users never need them.
 *
 * @packageDocumentation
 */
export { PollEngine, type Checkpoint, type EngineWaitOptions, type Observation, type PollTarget } from "./engine/poll-engine.js";
export { pollDelay, resolvePollPolicy, type ProgressHint } from "./engine/poll-policy.js";
export { RateGate, readRateLimit, type RateLimitHeaders, type RateLimitState } from "./engine/rate-limit.js";
export { parseRetryAfter, renewalBeyondHour } from "./engine/retry-after.js";
export { systemTiming } from "./base/timing.js";
export { recordFailure } from "./base/tracing.js";
