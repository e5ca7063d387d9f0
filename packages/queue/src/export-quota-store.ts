import type { ExportKind, ExportQuotaStore } from "@impactkit/jobs";
import type { Redis } from "ioredis";
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { extendBlock } from "./redis-block.js";

const DAY_S = 86_400;

/**
 * An account's daily export quota (ReportExport 100, ClickExport 10 a day:
 * https://integrations.impact.com/partner-api-reference/readme/rate-limits) counted in Redis for a whole
 * fleet, on `rate-limiter-flexible`'s `RateLimiterRedis`: a 24-hour window from the window's first export
 * (impact.com does not say when its day starts), and a block until the reset the server announced when it
 * answers that the quota is spent (blocks merge: the later end wins). Keys name the account only.
 */
export function redisExportQuota(redis: Redis, account: string, keyPrefix = "impactkit:quota"): ExportQuotaStore {
  const limiters = new Map<string, RateLimiterRedis>();
  const limiter = (kind: ExportKind, limit: number) => {
    const key = `${kind} ${limit}`;
    let known = limiters.get(key);
    if (!known) {
      known = new RateLimiterRedis({ storeClient: redis, points: limit, duration: DAY_S, keyPrefix: `${keyPrefix}:${kind}` });
      limiters.set(key, known);
    }
    return known;
  };
  const blockKey = (kind: ExportKind) => `${keyPrefix}:${kind}-block:${account}`;
  return {
    async take(kind, limit, now) {
      const blockedMs = await redis.pttl(blockKey(kind));
      if (blockedMs > 0) return { ok: false, renewsAt: now + blockedMs };
      try {
        await limiter(kind, limit).consume(account, 1);
        return { ok: true };
      } catch (error) {
        if (!(error instanceof RateLimiterRes)) throw error;
        return { ok: false, renewsAt: now + Math.max(1, error.msBeforeNext) };
      }
    },
    async block(kind, renewsAt, now) {
      await extendBlock(redis, blockKey(kind), renewsAt - now);
    },
    async left(kind, limit, now) {
      const blockedMs = await redis.pttl(blockKey(kind));
      if (blockedMs > 0) return { left: 0, renewsAt: now + blockedMs };
      const used = await limiter(kind, limit).get(account);
      if (!used) return { left: limit };
      return used.remainingPoints > 0 ? { left: used.remainingPoints } : { left: 0, renewsAt: now + used.msBeforeNext };
    },
  };
}
