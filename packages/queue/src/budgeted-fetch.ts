import { readRateLimit } from "@impactkit/jobs";
import type { AccountBudget } from "./account-budget.js";

/**
 * A `fetch` that takes each request from `account`'s fleet-wide budget before sending it, then reconciles
 * the budget with the rate-limit headers of the answer (https://integrations.impact.com/impact-publisher/reference/rate-limits).
 * `api()` names the flavor whose header names apply ("partner", "agency", "brand"), once the client is made.
 */
export function budgetedFetch(budget: AccountBudget, account: string, api: () => string | undefined, fetch: (input: Request) => Promise<Response> = globalThis.fetch): (input: Request) => Promise<Response> {
  return async (input) => {
    await budget.take(account);
    const response = await fetch(input);
    const flavor = api();
    const state = flavor === undefined ? undefined : readRateLimit(response.headers, flavor, Date.now());
    if (state) await budget.reconcile(account, state);
    return response;
  };
}
