import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AccountBudgetError } from "./account-budget-error.js";
import { createAccountBudget } from "./account-budget.js";
import { dumpRedis, startRedis, type ThrowawayRedis } from "./testing.js";

let redis: ThrowawayRedis;
const machines: Redis[] = [];
const machine = () => {
  const client = new Redis(redis.url);
  machines.push(client);
  return client;
};

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const client of machines) client.disconnect();
  await redis?.stop();
});

describe("createAccountBudget", () => {
  it("is one budget per account for every machine: the one that finds it spent is told how long until the hour renews it, the others' accounts go on", async () => {
    const first = createAccountBudget(machine(), { perHour: 3, keyPrefix: "fleet" });
    const second = createAccountBudget(machine(), { perHour: 3, keyPrefix: "fleet" });
    await first.take("IRAAA");
    await second.take("IRAAA");
    await first.take("IRAAA");
    expect(await second.remaining("IRAAA")).toBe(0);
    await second.take("IRBBB");
    expect(await first.remaining("IRBBB")).toBe(2);
    const spent = await second.take("IRAAA").then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(spent).toBeInstanceOf(AccountBudgetError);
    expect(spent).toMatchObject({
      account: "IRAAA",
      message: expect.stringMatching(/^account IRAAA: its 3 requests of the hour are spent; its pipelines wait \d+ s$/),
    });
    expect((spent as AccountBudgetError).retryInMs).toBeGreaterThan(3_500_000);
    expect((spent as AccountBudgetError).retryInMs).toBeLessThanOrEqual(3_600_000);
    await first.reconcile("IRAAA", { remaining: 3, resetAt: Date.now() + 3_600_000 });
    await second.take("IRAAA");
    expect(await first.remaining("IRAAA")).toBe(2);
  });

  it("follows what the server says is left, and keys name the account only", async () => {
    const budget = createAccountBudget(machine(), { perHour: 1_000, keyPrefix: "reconciled" });
    await budget.take("IRCCC");
    expect(await budget.remaining("IRCCC")).toBe(999);
    await budget.reconcile("IRCCC", { remaining: 120, resetAt: Date.now() + 600_000 });
    expect(await budget.remaining("IRCCC")).toBe(120);
    expect((await dumpRedis(redis.client)).filter((text) => text.startsWith("reconciled"))).toEqual(["reconciled:IRCCC"]);
    expect(await redis.client.ttl("reconciled:IRCCC")).toBeLessThanOrEqual(600);
  });
});
