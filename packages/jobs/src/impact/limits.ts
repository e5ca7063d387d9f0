/**
 * The hourly budget of an account until the API's headers say otherwise: "Other" endpoints, 1,000 requests
 * (https://integrations.impact.com/impact-brand/reference/rate-limits).
 */
export const DOCUMENTED_HOURLY_BUDGET = 1_000;

/**
 * Jobs asked for per page. The list endpoints' default (https://integrations.impact.com/impact-brand/reference/pagination);
 * sent, so that a bare-array page shorter than it is known to be the last.
 */
export const LIST_PAGE_SIZE = 1_000;
