import { RateLimitWaitError } from "../base/errors.js";
import { sleep } from "../base/timing.js";
import type { CallContext } from "./call-context.js";

/** Rate-limit waits longer than this are logged as they start: a silent hour looks like a hang. */
const LOGGED_RATE_LIMIT_WAIT_MS = 5_000;

/**
 * Sleeps `ms` before a request, for the account's rate limit (the budget is spent or spaced out until its
 * reset: https://integrations.impact.com/impact-brand/reference/rate-limits). A long wait is logged with
 * its reason and end; one longer than `maxRateLimitWaitMs` is refused with a `RateLimitWaitError`.
 */
export async function rateLimitWait(context: CallContext, what: string, ms: number, signal: AbortSignal | undefined): Promise<void> {
  const until = context.timing.now() + ms;
  if (ms > context.maxRateLimitWaitMs) throw new RateLimitWaitError(what, ms, until, context.maxRateLimitWaitMs);
  if (ms > LOGGED_RATE_LIMIT_WAIT_MS) {
    context.logger?.warn(`${what}: waiting ${Math.ceil(ms / 1000)} s for the hourly rate limit to reset at ${new Date(until).toISOString()}`, { waitMs: ms });
    context.onRateLimit?.({ kind: "waiting", what, waitMs: ms, until, remaining: context.gate.budget(context.timing.now())?.remaining });
  }
  context.rateLimitedUntil = Math.max(context.rateLimitedUntil ?? 0, until);
  try {
    await sleep(context.timing, ms, signal);
  } finally {
    if (context.rateLimitedUntil <= context.timing.now()) context.rateLimitedUntil = undefined;
  }
}

/**
 * Says once per budget window that requests are now spaced out (more than half of the hourly budget is
 * spent), with what is left and until when: an instance asked for more than the budget allows slows
 * down visibly instead of running into 429s.
 */
export function announcePacing(context: CallContext, what: string): void {
  const budget = context.gate.budget(context.timing.now());
  if (!budget) return;
  const limit = budget.limit === undefined ? "" : ` of ${budget.limit}`;
  context.logger?.warn(
    `${what}: ${budget.remaining}${limit} requests left until ${new Date(budget.resetAt).toISOString()}; spacing requests out to stay within the hourly budget`,
    { remaining: budget.remaining, resetAt: budget.resetAt },
  );
  context.onRateLimit?.({ kind: "pacing", what, waitMs: 0, until: budget.resetAt, remaining: budget.remaining });
}
