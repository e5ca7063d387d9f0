import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisExportQuota } from "./export-quota-store.js";
import { startRedis, type ThrowawayRedis } from "./testing.js";

let redis: ThrowawayRedis;
let client: Redis;
const HOUR = 3_600_000;
const T0 = 1_000_000;

beforeAll(async () => {
  redis = await startRedis();
  client = new Redis(redis.url);
});
afterAll(async () => {
  client?.disconnect();
  await redis?.stop();
});

describe("redisExportQuota", () => {
  it("counts up to the limit for every store of the account, then refuses saying when a slot frees", async () => {
    const [first, second] = [redisExportQuota(client, "IRCOUNT"), redisExportQuota(client, "IRCOUNT")];
    expect(await first.take("ClickExport", 2, T0)).toEqual({ ok: true });
    expect(await second.take("ClickExport", 2, T0)).toEqual({ ok: true });
    const refused = await first.take("ClickExport", 2, T0);
    expect(refused.ok).toBe(false);
    expect((refused as { renewsAt: number }).renewsAt).toBeGreaterThan(T0);
    expect((await second.left("ClickExport", 2, T0)).left).toBe(0);
    expect(await redisExportQuota(client, "IROTHER").left("ClickExport", 2, T0)).toEqual({ left: 2 });
  });

  it("refuses a kind the server said is spent until then, and takes the later of two blocks", async () => {
    const store = redisExportQuota(client, "IRBLOCK");
    await store.block("ClickExport", T0 + 5 * HOUR, T0);
    await store.block("ClickExport", T0 + 2 * HOUR, T0);
    const refused = await store.take("ClickExport", 10, T0);
    expect(refused.ok).toBe(false);
    // Redis counts the block down in real time: a few ms may have passed since it was set.
    expect((refused as { renewsAt: number }).renewsAt).toBeGreaterThan(T0 + 4 * HOUR);
    expect((await store.left("ClickExport", 10, T0)).left).toBe(0);
    expect(await store.take("ReportExport", 100, T0)).toEqual({ ok: true });
  });
});
