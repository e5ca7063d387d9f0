import type { Redis } from "ioredis";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { AccountBudgetError } from "./account-budget-error.js";
import { extendBlock } from "./redis-block.js";
import { DOCUMENTED_HOURLY_BUDGET } from "@impactkit/jobs";

const HOUR_S = 3_600;

/**
 * The size and Redis keys of the hourly request budget every worker of a fleet shares per account; impact.com
 * documents 1,000 requests an hour (https://integrations.impact.com/impact-brand/reference/rate-limits).
 */
export interface AccountBudgetOptions {
  /** Requests an account may make per hour, across every worker (default: the documented 1,000). */
  perHour?: number;
  /** Prefix of the budget's Redis keys (default `impactkit:budget`). */
  keyPrefix?: string;
}

/** One hourly request budget per account, kept in Redis, so that every worker of a fleet spends the same one. */
export interface AccountBudget {
  /** Takes one request from `account`'s budget; rejects with an `AccountBudgetError` (how long until it renews) when it is spent or blocked. */
  take(account: string): Promise<void>;
  /**
   * What the API said is left (its rate-limit headers): the fleet's count follows the server's. None left
   * blocks the account until `resetAt`, as `block` does.
   */
  reconcile(account: string, state: { remaining: number; resetAt: number }, now?: number): Promise<void>;
  /** Sends nothing for `account` until `until` (a 429): blocks merge, the later end wins. */
  block(account: string, until: number, now?: number): Promise<void>;
  /** Requests left to `account` this hour, as the fleet counts them (0 while it is blocked). */
  remaining(account: string): Promise<number>;
}

/**
 * A fleet-wide budget on `rate-limiter-flexible`'s `RateLimiterRedis` (an atomic Lua counter per key with a
 * one-hour window), and a block per account for the answers that say to stop (a 429, none left) whose end
 * only ever moves later: a 429 saying "2 s" does not shorten a block announced until the window's end. Keys
 * name the account only: no credential reaches Redis.
 */
export function createAccountBudget(redis: Redis, options: AccountBudgetOptions = {}): AccountBudget {
  const perHour = options.perHour ?? DOCUMENTED_HOURLY_BUDGET;
  const prefix = options.keyPrefix ?? "impactkit:budget";
  const limiter = new RateLimiterRedis({ storeClient: redis, points: perHour, duration: HOUR_S, keyPrefix: prefix });
  const blockKey = (account: string) => `${prefix}-block:${account}`;
  const block = async (account: string, until: number, now = Date.now()) => {
    await extendBlock(redis, blockKey(account), until - now);
  };
  return {
    async take(account) {
      const blockedMs = await redis.pttl(blockKey(account));
      if (blockedMs > 0) throw new AccountBudgetError(account, blockedMs, "the API said to wait");
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
      if (remaining <= 0) await block(account, resetAt, now);
    },
    block,
    async remaining(account) {
      if ((await redis.pttl(blockKey(account))) > 0) return 0;
      const used = await limiter.get(account);
      return used ? used.remainingPoints : perHour;
    },
  };
}
