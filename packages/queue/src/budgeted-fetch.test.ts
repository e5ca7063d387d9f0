import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccountBudget } from "./account-budget.js";
import { budgetedFetch } from "./budgeted-fetch.js";
import { startRedis, type ThrowawayRedis } from "./test-support.js";

let redis: ThrowawayRedis;
let client: Redis;
let server: Server;
let url: string;
let answered = 0;

beforeAll(async () => {
  redis = await startRedis();
  client = new Redis(redis.url);
  // An API that, like impact.com's partner API, says in each answer how much of the hour is left.
  server = createServer((_request, response) => {
    answered += 1;
    response.writeHead(200, { "content-type": "application/json", "x-ratelimit-limit-hour": "1000", "x-ratelimit-remaining-hour": "37", "ratelimit-reset": "1200" }).end("{}");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  server?.close();
  client?.disconnect();
  await redis?.stop();
});

describe("budgetedFetch", () => {
  it("takes a token before each request and leaves the fleet's count at what the server says is left", async () => {
    const budget = createAccountBudget(client, { keyPrefix: "headers" });
    const fetch = budgetedFetch(budget, "IRDDD", () => "partner");
    const response = await fetch(new Request(url));
    expect(response.status).toBe(200);
    expect(answered).toBe(1);
    expect(await budget.remaining("IRDDD")).toBe(37);
    expect(await client.ttl("headers:IRDDD")).toBeGreaterThan(1_100);
    expect(await client.ttl("headers:IRDDD")).toBeLessThanOrEqual(1_200);
  });

  it("waits, without sending, while the account's budget is spent", async () => {
    const slept: number[] = [];
    const budget = createAccountBudget(client, { keyPrefix: "spent", perHour: 1, sleep: async (ms) => void slept.push(ms) });
    const spent = createAccountBudget(client, { keyPrefix: "spent", perHour: 1 });
    await spent.take("IREEE");
    const before = answered;
    const fetch = budgetedFetch(budget, "IREEE", () => "partner");
    const sending = fetch(new Request(url));
    for (let tries = 0; slept.length < 3 && tries < 1_000; tries += 1) await new Promise((resolve) => setTimeout(resolve, 1));
    expect(slept.length).toBeGreaterThanOrEqual(3);
    expect(answered).toBe(before);
    await spent.reconcile("IREEE", { remaining: 1, resetAt: Date.now() + 3_600_000 });
    expect((await sending).status).toBe(200);
    expect(answered).toBe(before + 1);
  });
});
