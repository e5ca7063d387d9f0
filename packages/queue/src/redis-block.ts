import type { Redis } from "ioredis";

/** Sets the block's end unless the block already there ends later (PTTL is -2 for no key). */
const EXTEND_BLOCK = "if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end";

/**
 * Blocks `key` for `ms` (at least 1) in one atomic step, unless it is blocked for longer already: blocks merge
 * and the later end wins, so a 429 saying "2 s" never shortens a block announced until the window's end.
 * Redis keeps the time, whichever clock the caller read `ms` from.
 */
export async function extendBlock(redis: Redis, key: string, ms: number): Promise<void> {
  await redis.eval(EXTEND_BLOCK, 1, key, String(Math.max(1, Math.ceil(ms))));
}
