import { parseRetryAfter, readRateLimit, type RateLimitHeaders } from "@impactkit/jobs/engine";
import { AccountBudgetError } from "./account-budget-error.js";
import type { AccountBudget } from "./account-budget.js";
import { RATE_LIMITED_MS } from "./defaults.js";

/**
 * A `fetch` that takes each request from `account`'s fleet-wide budget before sending it, then reconciles
 * the budget with the rate-limit headers of the answer (https://integrations.impact.com/impact-publisher/reference/rate-limits).
 * A 429 spends the account's budget for the whole fleet until its `Retry-After` (or the headers' reset) and
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
      await response.body?.cancel().catch(() => undefined);
      const retryAfter = parseRetryAfter(response.headers.get("retry-after"), now);
      const resetAt = now + (retryAfter ?? (state ? Math.max(0, state.resetAt - now) : RATE_LIMITED_MS));
      await budget.reconcile(account, { remaining: 0, resetAt }, now);
      throw new AccountBudgetError(account, resetAt - now, "the API answered 429 Too Many Requests");
    }
    if (state) await budget.reconcile(account, state, now);
    return response;
  };
}
