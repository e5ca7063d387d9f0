import type { SandboxFlavor } from "./flavors.js";
import { resetHeader, type RateLimitOptions, type Renewal } from "./rate-limit.js";

/** The exports a daily quota counts. */
export type ExportKind = "ReportExport" | "ClickExport";

/** Limits that replace the documented ones (`SandboxOptions.dailyExportLimits`), for tests that reach them quickly. */
export interface DailyExportLimits {
  readonly ReportExport?: number;
  readonly ClickExport?: number;
}

/** How many exports that created a job an account counted in the 24 hours before now, per kind. */
export interface ExportsToday {
  ReportExport: number;
  ClickExport: number;
}

/** The daily window: when it renews is not documented, so it rolls — an export counts for 24 hours. */
const DAY_MS = 86_400_000;

/** The flavors whose spec gives their 429 a `Retry-After` (partner's does): a spent quota sends it there too. */
export function retryAfterFlavors(documents: ReadonlyMap<SandboxFlavor, Record<string, unknown>>): Set<string> {
  const declares = (document: Record<string, unknown>) =>
    // biome-ignore lint/suspicious/noExplicitAny: an OpenAPI document read as plain JSON.
    (document as Record<string, any>)["components"]?.["responses"]?.["RateLimited"]?.["headers"]?.["Retry-After"] !== undefined;
  return new Set([...documents].filter(([, document]) => declares(document)).map(([flavor]) => flavor.id));
}

/** An export refused because the day's quota is spent: the limit, and the 429's rate-limit headers. */
export interface QuotaRefusal {
  limit: number;
  headers: Record<string, string>;
}

/**
 * The daily export quotas of impact.com (https://integrations.impact.com/partner-api-reference/readme/rate-limits,
 * https://integrations.impact.com/impact-brand/reference/rate-limits): per account and flavor, each export that
 * creates a job counts against its kind's limit — the flavor's `SPEC.traits.dailyExportLimits`, or `limits`
 * where the flavor documents one; a flavor that documents none (agency) is not limited. When the day renews
 * is not documented: an export counts for the 24 hours after it, on the sandbox's clock.
 */
export class DailyExportQuota {
  /** When each counted export was made, oldest first, by flavor, account and kind. */
  readonly #counted = new Map<string, number[]>();
  readonly #limits: DailyExportLimits;
  /** Flavors whose spec gives their 429 a `Retry-After` (partner). */
  readonly #retryAfter: ReadonlySet<string>;
  /** How brand and agency send their reset header now (`RateLimitOptions.resetFormat`, which `control.setRateLimit` may change). */
  readonly #resetFormat: () => RateLimitOptions["resetFormat"];

  constructor(options: { limits?: DailyExportLimits | undefined; retryAfter: ReadonlySet<string>; resetFormat: () => RateLimitOptions["resetFormat"] }) {
    const limits = options.limits ?? {};
    for (const [kind, limit] of Object.entries(limits))
      if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0) && limit !== Number.POSITIVE_INFINITY)
        throw new RangeError(`dailyExportLimits.${kind} must be a whole number of 0 or more (or Infinity), got ${limit}`);
    this.#limits = limits;
    this.#retryAfter = options.retryAfter;
    this.#resetFormat = options.resetFormat;
  }

  /** The limit of `kind` for `flavor`: `undefined` where its spec documents none. */
  limit(flavor: SandboxFlavor, kind: ExportKind): number | undefined {
    const documented = flavor.traits.dailyExportLimits?.[kind];
    return documented === undefined ? undefined : (this.#limits[kind] ?? documented);
  }

  /** The exports counted for one account, flavor and kind at `now`, oldest first: those of the last 24 hours. */
  #window(key: string, now: number): number[] {
    const times = (this.#counted.get(key) ?? []).filter((at) => at + DAY_MS > now);
    this.#counted.set(key, times);
    return times;
  }

  /**
   * Counts an export of `kind` that creates a job, if the day's quota allows it; otherwise the refusal: a 429
   * with the flavor's rate-limit headers — the daily limit, nothing remaining, the reset when the oldest
   * counted export leaves the window (in the form the flavor's reset header takes) and, where the flavor's
   * spec gives its 429 one, `Retry-After` (https://integrations.impact.com/partner-api-reference/readme/rate-limits).
   */
  take(flavor: SandboxFlavor, accountSid: string, kind: ExportKind, now: number): QuotaRefusal | undefined {
    const limit = this.limit(flavor, kind);
    if (limit === undefined) return undefined;
    const times = this.#window(`${flavor.id}\n${accountSid}\n${kind}`, now);
    if (times.length < limit) {
      times.push(now);
      return undefined;
    }
    // A limit of 0 has no counted export to wait for: it renews a day from now.
    const renewsAt = (times[0] ?? now) + DAY_MS;
    const renewal: Renewal = { secondsLeft: Math.max(1, Math.ceil((renewsAt - now) / 1000)), epochSecond: Math.ceil(renewsAt / 1000) };
    const names = flavor.traits.rateLimitHeaders;
    const headers: Record<string, string> = {
      [names.limit]: String(limit),
      [names.remaining]: "0",
      [names.reset]: resetHeader(flavor, this.#resetFormat(), renewal),
    };
    if (this.#retryAfter.has(flavor.id)) headers["Retry-After"] = String(renewal.secondsLeft);
    return { limit, headers };
  }

  /** The exports of `accountSid` counted at `now`, in one flavor or in all. */
  today(accountSid: string, now: number, flavorId?: string): ExportsToday {
    const counts: ExportsToday = { ReportExport: 0, ClickExport: 0 };
    for (const key of [...this.#counted.keys()]) {
      const [flavor, account, kind] = key.split("\n") as [string, string, ExportKind];
      if (account === accountSid && (flavorId === undefined || flavor === flavorId)) counts[kind] += this.#window(key, now).length;
    }
    return counts;
  }
}
