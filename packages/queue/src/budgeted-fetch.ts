import { parseRetryAfter, readRateLimit, renewalBeyondHour, type RateLimitHeaders } from "@impactkit/jobs/engine";
import { AccountBudgetError } from "./account-budget-error.js";
import type { AccountBudget } from "./account-budget.js";
import { RATE_LIMITED_MS } from "./defaults.js";

/**
 * A `fetch` that takes each request from `account`'s fleet-wide budget before sending it, then reconciles
 * the budget with the rate-limit headers of the answer (https://integrations.impact.com/impact-publisher/reference/rate-limits).
 * A 429 spends the account's budget for the whole fleet until the later of its `Retry-After` and the headers' reset and
 * rejects with an `AccountBudgetError`, as a spent budget does: the pipeline waits in Redis, not in a retry loop.
 * `headers()` gives the names of the flavor's rate-limit headers (`SPEC.traits.rateLimitHeaders`), once the client is made;
 * `fetch` sends the request (the worker passes the client's own transport).
 */
export function budgetedFetch(
  budget: AccountBudget,
  account: string,
  headers: () => RateLimitHeaders | undefined,
  fetch: (input: Request) => Promise<Response>,
): (input: Request) => Promise<Response> {
  return async (input) => {
    await budget.take(account);
    const response = await fetch(input);
    const now = Date.now();
    const names = headers();
    const state = names === undefined ? undefined : readRateLimit(response.headers, names, now);
    if (response.status === 429) {
      // A renewal beyond the hour is an export's daily quota, not the hour's budget: the answer goes to @impactkit/jobs,
      // which takes it for the quota (ExportQuotaError, and the fleet's quota store blocks that kind of export).
      if (renewalBeyondHour(response.headers, state, now) !== undefined) return response;
      // Whichever of Retry-After and the reset header ends later: a short Retry-After does not undo a reset at the window's end.
      const retryAfter = parseRetryAfter(response.headers.get("retry-after"), now);
      const waitMs = retryAfter === undefined && state === undefined ? RATE_LIMITED_MS : Math.max(retryAfter ?? 0, (state?.resetAt ?? now) - now);
      await response.body?.cancel().catch(() => undefined);
      await budget.reconcile(account, { remaining: 0, resetAt: now + waitMs }, now);
      throw new AccountBudgetError(account, waitMs, "the API answered 429 Too Many Requests");
    }
    if (state) await budget.reconcile(account, state, now);
    return response;
  };
}
