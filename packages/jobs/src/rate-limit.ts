/** What a response's rate-limit headers say. */
export interface RateLimitState {
  limit: number | undefined;
  remaining: number;
  /** Epoch ms when the budget is renewed. */
  resetAt: number;
}

/** Values above this are read as epoch seconds, below it as seconds from now (brand/agency send either). */
const EPOCH_THRESHOLD_S = 1_000_000_000;

/** A header as a number; absent, empty or not a number is NaN. */
function numeric(headers: Headers, name: string): number {
  const value = headers.get(name)?.trim();
  return value ? Number(value) : Number.NaN;
}

/**
 * The flavor's rate-limit headers: partner sends `X-RateLimit-Limit-hour`, `X-RateLimit-Remaining-hour` and
 * `RateLimit-Reset` (https://integrations.impact.com/partner-api-reference/partner-v15/readme/rate-limits),
 * brand and agency the same without `-hour` and with `X-RateLimit-Reset` (…/impact-brand/reference/rate-limits).
 */
export function readRateLimit(headers: Headers, api: string, now: number): RateLimitState | undefined {
  const partner = api === "partner";
  const suffix = partner ? "-hour" : "";
  const remaining = numeric(headers, `x-ratelimit-remaining${suffix}`);
  const reset = numeric(headers, partner ? "ratelimit-reset" : "x-ratelimit-reset");
  if (!Number.isFinite(remaining) || !Number.isFinite(reset) || reset < 0) return undefined;
  const limit = numeric(headers, `x-ratelimit-limit${suffix}`);
  const resetAt = reset >= EPOCH_THRESHOLD_S ? reset * 1000 : now + reset * 1000;
  return { limit: Number.isFinite(limit) ? limit : undefined, remaining: Math.max(0, remaining), resetAt };
}

/**
 * One request budget shared by every call of a jobs instance. While more than half the budget is left,
 * requests go straight through; below that they are spaced so that the rest lasts until the reset —
 * slowing down before the budget is gone, not only after a 429. A 429's `Retry-After` pauses all calls.
 */
export class RateGate {
  #state: RateLimitState | undefined;
  #nextSlot = 0;
  #pausedUntil = 0;

  note(state: RateLimitState | undefined): void {
    if (state) this.#state = state;
  }

  pause(until: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, until);
  }

  /** How long the next request should wait, reserving its slot. */
  reserve(now: number): number {
    const state = this.#state;
    let start = Math.max(now, this.#pausedUntil, this.#nextSlot);
    let gap = 0;
    if (state && state.resetAt > start) {
      const halfSpent = state.limit === undefined ? state.remaining < 50 : state.remaining < state.limit / 2;
      if (state.remaining <= 0) start = state.resetAt;
      else if (halfSpent) gap = (state.resetAt - start) / state.remaining;
      state.remaining -= 1;
    }
    this.#nextSlot = start + gap;
    return start - now;
  }
}
