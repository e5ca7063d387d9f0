import { resetInSeconds, type SandboxFlavor } from "./flavors.js";

const HOUR_MS = 3_600_000;

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
    const window = Math.floor(now / HOUR_MS);
    const key = `${flavor.id}\n${accountSid}`;
    const entry = this.#used.get(key);
    const used = entry && entry.window === window ? entry : { window, count: 0 };
    const allowed = used.count < this.options.perHour;
    if (allowed) used.count += 1;
    this.#used.set(key, used);
    const hourKey = `${key}\n${window}`;
    const hour = this.#history.get(hourKey) ?? { flavor: flavor.id, accountSid, hour: new Date(window * HOUR_MS).toISOString(), requests: 0, refused: 0 };
    if (allowed) hour.requests += 1;
    else hour.refused += 1;
    this.#history.set(hourKey, hour);
    const resetAt = (window + 1) * HOUR_MS;
    const secondsLeft = Math.max(1, Math.ceil((resetAt - now) / 1000));
    const names = flavor.traits.rateLimitHeaders;
    const reset = resetInSeconds(flavor) || this.options.resetFormat === "seconds" ? secondsLeft : Math.floor(resetAt / 1000);
    const headers: Record<string, string> = {
      [names.limit]: String(this.options.perHour),
      [names.remaining]: String(Math.max(0, this.options.perHour - used.count)),
      [names.reset]: String(reset),
    };
    if (!allowed) headers["Retry-After"] = String(secondsLeft);
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
