import { resetInSeconds, type SandboxFlavor } from "./flavors.js";

const HOUR_MS = 3_600_000;

/** When a rate-limit budget renews, in the two forms a reset header can give it. */
export interface Renewal {
  /** Whole seconds until then. */
  secondsLeft: number;
  /** Its epoch second. */
  epochSecond: number;
}

/** The rate limit's window: the clock hour (sandbox time) that an instant falls in, and when its budget renews. */
export interface HourWindow extends Renewal {
  /** Hours since the epoch. */
  index: number;
  /** The top of the hour (epoch ms). */
  start: number;
  /** The end of the window, the top of the next hour (epoch ms): when the hourly budget renews. */
  resetAt: number;
}

/**
 * The clock hour `now` falls in and when its budget resets — the one place the hourly reset is computed:
 * at the top of the next hour, `secondsLeft` (at least 1, as `Retry-After` and a delta reset header send it) from `now`.
 */
export function hourWindow(now: number): HourWindow {
  const index = Math.floor(now / HOUR_MS);
  const resetAt = (index + 1) * HOUR_MS;
  return { index, start: index * HOUR_MS, resetAt, secondsLeft: Math.max(1, Math.ceil((resetAt - now) / 1000)), epochSecond: Math.floor(resetAt / 1000) };
}

/**
 * The hourly rate limit a sandbox enforces per account, and how its reset header reads
 * (https://integrations.impact.com/impact-brand/reference/rate-limits).
 */
export interface RateLimitOptions {
  /** Requests per account per clock hour (impact.com's default for most endpoints is 1,000). */
  perHour: number;
  /**
   * How brand and agency send `X-RateLimit-Reset`: the docs call it seconds until the reset but show an
   * epoch timestamp (https://integrations.impact.com/impact-brand/reference/rate-limits). Partner's
   * `RateLimit-Reset` is always seconds.
   */
  resetFormat: "epoch" | "seconds";
}

/** What one account spent in one clock hour: the requests the budget let through and those it refused with 429. */
export interface HourlyUsage {
  flavor: string;
  accountSid: string;
  /** The start of the hour (ISO 8601, the sandbox clock). */
  hour: string;
  requests: number;
  refused: number;
}

/**
 * The value of the flavor's reset header for a budget that renews at `renewal`: its seconds left for partner's
 * `RateLimit-Reset` (always delta-seconds) and for `resetFormat: "seconds"`, its epoch second otherwise
 * (https://integrations.impact.com/impact-brand/reference/rate-limits).
 */
export function resetHeader(flavor: SandboxFlavor, resetFormat: RateLimitOptions["resetFormat"], renewal: Renewal): string {
  return String(resetInSeconds(flavor) || resetFormat === "seconds" ? renewal.secondsLeft : renewal.epochSecond);
}

export interface RateDecision {
  allowed: boolean;
  headers: Record<string, string>;
}

/** An hourly request budget per account, with each flavor's own header names. */
export class RateLimiter {
  readonly #used = new Map<string, { window: number; count: number }>();
  /** Every hour's spending of every account, for `usage()`. */
  readonly #history = new Map<string, HourlyUsage>();
  options: RateLimitOptions;

  constructor(options: RateLimitOptions) {
    this.options = options;
  }

  /** Counts one request of `accountSid` at `now`, and says whether it fits the budget. */
  take(flavor: SandboxFlavor, accountSid: string, now: number): RateDecision {
    const hourly = hourWindow(now);
    const window = hourly.index;
    const key = `${flavor.id}\n${accountSid}`;
    const entry = this.#used.get(key);
    const used = entry && entry.window === window ? entry : { window, count: 0 };
    const allowed = used.count < this.options.perHour;
    if (allowed) used.count += 1;
    this.#used.set(key, used);
    const hourKey = `${key}\n${window}`;
    const hour = this.#history.get(hourKey) ?? { flavor: flavor.id, accountSid, hour: new Date(hourly.start).toISOString(), requests: 0, refused: 0 };
    if (allowed) hour.requests += 1;
    else hour.refused += 1;
    this.#history.set(hourKey, hour);
    const names = flavor.traits.rateLimitHeaders;
    const headers: Record<string, string> = {
      [names.limit]: String(this.options.perHour),
      [names.remaining]: String(Math.max(0, this.options.perHour - used.count)),
      [names.reset]: resetHeader(flavor, this.options.resetFormat, hourly),
    };
    if (!allowed) headers["Retry-After"] = String(hourly.secondsLeft);
    return { allowed, headers };
  }

  /** What each account spent in each hour so far. */
  usage(): HourlyUsage[] {
    return [...this.#history.values()].map((hour) => ({ ...hour }));
  }

  reset(): void {
    this.#used.clear();
    this.#history.clear();
  }
}
