import type { FlavorTraits } from "@impactkit/core";

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

/** The names of a flavor's rate-limit headers: its `SPEC.traits.rateLimitHeaders`, read from its spec. */
export type RateLimitHeaders = FlavorTraits["rateLimitHeaders"];

/**
 * What the flavor's rate-limit headers say (`names`, from its spec): partner sends `X-RateLimit-Limit-hour`,
 * `X-RateLimit-Remaining-hour` and `RateLimit-Reset` (https://integrations.impact.com/partner-api-reference/readme/rate-limits),
 * brand and agency the same without `-hour` and with `X-RateLimit-Reset` (…/impact-brand/reference/rate-limits).
 * A reset is seconds from now, or epoch seconds when it is that large (brand and agency send either).
 */
export function readRateLimit(headers: Headers, names: RateLimitHeaders, now: number): RateLimitState | undefined {
  const remaining = numeric(headers, names.remaining);
  const reset = numeric(headers, names.reset);
  if (!Number.isFinite(remaining) || !Number.isFinite(reset) || reset < 0) return undefined;
  const limit = numeric(headers, names.limit);
  const resetAt = reset >= EPOCH_THRESHOLD_S ? reset * 1000 : now + reset * 1000;
  return { limit: Number.isFinite(limit) ? limit : undefined, remaining: Math.max(0, remaining), resetAt };
}

/**
 * Whether more than half of the hourly budget is spent (fewer than 50 requests left when the limit is not
 * announced): from then on requests are spaced out until the reset, and list polling slows to its share.
 */
export function halfSpent(budget: { limit?: number | undefined; remaining: number }): boolean {
  return budget.limit === undefined ? budget.remaining < 50 : budget.remaining < budget.limit / 2;
}

/** What holding requests back for the budget means for one request: how long it waits, and whether spacing just began. */
export interface Reservation {
  waitMs: number;
  /** True for the first request spaced out in a budget window (more than half of it spent): time to say so. */
  pacingStarted: boolean;
}

/**
 * One request budget shared by every call of a jobs instance — exports, polls, lists, Download calls,
 * replays. While more than half the budget is left, requests go straight through; below that they are
 * spaced so that the rest lasts until the reset — slowing down before the budget is gone, not only after
 * a 429. A 429's `Retry-After` pauses all calls. Requests in flight count against what the last answer
 * said is left (the server may not have counted them yet), so many at once cannot overshoot it.
 */
export class RateGate {
  #state: RateLimitState | undefined;
  #nextSlot = 0;
  #pausedUntil = 0;
  /** Requests reserved whose answer has not come. */
  #pending = 0;
  /** The reset of the window in which spacing began, so that it is reported once per window. */
  #pacingReported: number | undefined;
  /** Whether any request was answered yet, and who waits for the first answer. */
  #answered = false;
  #firstAnswer: { promise: Promise<void>; resolve: () => void } | undefined;

  /** A reserved request was answered (`state`: what its headers say) or failed (`undefined`). */
  note(state: RateLimitState | undefined): void {
    this.#pending = Math.max(0, this.#pending - 1);
    if (state) this.#state = { ...state, remaining: Math.max(0, state.remaining - this.#pending) };
    this.#answered = true;
    this.#firstAnswer?.resolve();
    this.#firstAnswer = undefined;
  }

  /**
   * Before the first answer says what the budget is, one request goes at a time: a burst of exports at
   * start-up would otherwise spend a small budget before knowing it. Resolves when a request in flight is
   * answered (then ask again); `undefined` when the next request may go.
   */
  firstAnswer(): Promise<void> | undefined {
    if (this.#answered || this.#pending === 0) return undefined;
    if (!this.#firstAnswer) {
      let resolve!: () => void;
      const promise = new Promise<void>((done) => (resolve = done));
      this.#firstAnswer = { promise, resolve };
    }
    return this.#firstAnswer.promise;
  }

  pause(until: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, until);
  }

  /** What is left of the budget and when it renews, once an answer said so and until that reset. */
  budget(now: number): Readonly<RateLimitState> | undefined {
    return this.#state && this.#state.resetAt > now ? this.#state : undefined;
  }

  /** Reserves the next request's slot: how long it should wait. Every reservation is followed by one `note`. */
  reserve(now: number): Reservation {
    const state = this.#state;
    let start = Math.max(now, this.#pausedUntil, this.#nextSlot);
    let gap = 0;
    let pacingStarted = false;
    if (state && state.resetAt > start) {
      const paced = halfSpent(state);
      if (state.remaining <= 0) start = state.resetAt;
      else if (paced) gap = (state.resetAt - start) / state.remaining;
      if (paced && this.#pacingReported !== state.resetAt) {
        this.#pacingReported = state.resetAt;
        pacingStarted = true;
      }
      state.remaining = Math.max(0, state.remaining - 1);
    }
    this.#pending += 1;
    this.#nextSlot = start + gap;
    return { waitMs: start - now, pacingStarted };
  }
}
