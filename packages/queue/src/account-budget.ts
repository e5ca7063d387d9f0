import type { Redis } from "ioredis";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { AccountBudgetError } from "./account-budget-error.js";
import { DOCUMENTED_HOURLY_BUDGET } from "@impactkit/jobs";

const HOUR_S = 3_600;

export interface AccountBudgetOptions {
  /** Requests an account may make per hour, across every worker (default: the documented 1,000). */
  perHour?: number;
  /** Prefix of the budget's Redis keys (default `impactkit:budget`). */
  keyPrefix?: string;
}

/** One hourly request budget per account, kept in Redis, so that every worker of a fleet spends the same one. */
export interface AccountBudget {
  /** Takes one request from `account`'s budget; rejects with an `AccountBudgetError` (how long until it renews) when it is spent. */
  take(account: string): Promise<void>;
  /** What the API said is left (its rate-limit headers): the fleet's count follows the server's. */
  reconcile(account: string, state: { remaining: number; resetAt: number }, now?: number): Promise<void>;
  /** Requests left to `account` this hour, as the fleet counts them. */
  remaining(account: string): Promise<number>;
}

/**
 * A fleet-wide budget on `rate-limiter-flexible`'s `RateLimiterRedis` (an atomic Lua counter per key with a
 * one-hour window). Keys name the account only: no credential reaches Redis.
 */
export function createAccountBudget(redis: Redis, options: AccountBudgetOptions = {}): AccountBudget {
  const perHour = options.perHour ?? DOCUMENTED_HOURLY_BUDGET;
  const limiter = new RateLimiterRedis({ storeClient: redis, points: perHour, duration: HOUR_S, keyPrefix: options.keyPrefix ?? "impactkit:budget" });
  return {
    async take(account) {
      try {
        await limiter.consume(account, 1);
      } catch (error) {
        if (!(error instanceof RateLimiterRes)) throw error;
        throw new AccountBudgetError(account, Math.max(1, error.msBeforeNext), `its ${perHour} requests of the hour are spent`);
      }
    },
    async reconcile(account, { remaining, resetAt }, now = Date.now()) {
      const seconds = Math.max(1, Math.ceil((resetAt - now) / 1000));
      await limiter.set(account, Math.max(0, perHour - remaining), seconds);
    },
    async remaining(account) {
      const used = await limiter.get(account);
      return used ? used.remainingPoints : perHour;
    },
  };
}
