import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { SPEC } from "@impactkit/partner-v15";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AccountBudgetError } from "./account-budget-error.js";
import { createAccountBudget } from "./account-budget.js";
import { budgetedFetch } from "./budgeted-fetch.js";
import { startRedis, type ThrowawayRedis } from "./testing.js";

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
    response
      .writeHead(200, { "content-type": "application/json", "x-ratelimit-limit-hour": "1000", "x-ratelimit-remaining-hour": "37", "ratelimit-reset": "1200" })
      .end("{}");
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
    const fetch = budgetedFetch(
      budget,
      "IRDDD",
      () => SPEC.traits.rateLimitHeaders,
      (request) => globalThis.fetch(request),
    );
    const response = await fetch(new Request(url));
    expect(response.status).toBe(200);
    expect(answered).toBe(1);
    expect(await budget.remaining("IRDDD")).toBe(37);
    expect(await client.ttl("headers:IRDDD")).toBeGreaterThan(1_100);
    expect(await client.ttl("headers:IRDDD")).toBeLessThanOrEqual(1_200);
  });

  it("sends nothing while the account's budget is spent: it rejects with how long until it renews", async () => {
    const budget = createAccountBudget(client, { keyPrefix: "spent", perHour: 1 });
    await budget.take("IREEE");
    const before = answered;
    const error = await budgetedFetch(
      budget,
      "IREEE",
      () => SPEC.traits.rateLimitHeaders,
      (request) => globalThis.fetch(request),
    )(new Request(url)).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(AccountBudgetError);
    expect(answered).toBe(before);
    await budget.reconcile("IREEE", { remaining: 1, resetAt: Date.now() + 3_600_000 });
    expect(
      (
        await budgetedFetch(
          budget,
          "IREEE",
          () => SPEC.traits.rateLimitHeaders,
          (request) => globalThis.fetch(request),
        )(new Request(url))
      ).status,
    ).toBe(200);
    expect(answered).toBe(before + 1);
  });

  it("a 429 spends the account's budget for the fleet until its Retry-After, and nothing is retried", async () => {
    const limited = createServer((_request, response) => {
      answered += 1;
      response.writeHead(429, { "retry-after": "120", "content-type": "application/json" }).end('{"Message":"Too Many Requests"}');
    });
    await new Promise<void>((resolve) => limited.listen(0, "127.0.0.1", resolve));
    const elsewhere = new Redis(redis.url);
    try {
      const budget = createAccountBudget(client, { keyPrefix: "limited" });
      const other = createAccountBudget(elsewhere, { keyPrefix: "limited" });
      const before = answered;
      const error = await budgetedFetch(
        budget,
        "IRFFF",
        () => SPEC.traits.rateLimitHeaders,
        (request) => globalThis.fetch(request),
      )(new Request(`http://127.0.0.1:${(limited.address() as AddressInfo).port}/`)).then(
        () => undefined,
        (failure: unknown) => failure,
      );
      expect(error).toBeInstanceOf(AccountBudgetError);
      expect((error as AccountBudgetError).retryInMs).toBeGreaterThan(119_000);
      expect((error as AccountBudgetError).retryInMs).toBeLessThanOrEqual(120_000);
      expect(answered).toBe(before + 1);
      expect(await other.remaining("IRFFF")).toBe(0);
      await expect(other.take("IRFFF")).rejects.toBeInstanceOf(AccountBudgetError);
      expect(await other.remaining("IRGGG")).toBe(1_000);
      expect(await client.ttl("limited:IRFFF")).toBeLessThanOrEqual(120);
    } finally {
      elsewhere.disconnect();
      limited.close();
    }
  });

  it("a later 429 saying less does not shorten a block, and the later of Retry-After and the reset header wins", async () => {
    // Two requests in flight at once, as two workers' may be: the second is answered first with the window's
    // end (Retry-After 2 s, reset in 3,000 s); the first, answered after the block is in Redis, says only 2 s.
    const held: ServerResponse[] = [];
    let second: (() => void) | undefined;
    const secondArrived = new Promise<void>((resolve) => (second = resolve));
    const limited = createServer((_request, response) => {
      held.push(response);
      if (held.length === 2) second!();
    });
    await new Promise<void>((resolve) => limited.listen(0, "127.0.0.1", resolve));
    try {
      const budget = createAccountBudget(client, { keyPrefix: "merged" });
      const send = () =>
        budgetedFetch(
          budget,
          "IRHHH",
          () => SPEC.traits.rateLimitHeaders,
          (request) => globalThis.fetch(request),
        )(new Request(`http://127.0.0.1:${(limited.address() as AddressInfo).port}/`)).then(
          () => undefined,
          (failure: unknown) => failure as AccountBudgetError,
        );
      const first = send();
      const later = send();
      await secondArrived;
      const windowEnd = { "retry-after": "2", "x-ratelimit-limit-hour": "1000", "x-ratelimit-remaining-hour": "0", "ratelimit-reset": "3000" };
      held[1]!.writeHead(429, { "content-type": "application/json", ...windowEnd }).end("{}");
      expect((await later)?.retryInMs).toBe(3_000_000);
      held[0]!.writeHead(429, { "content-type": "application/json", "retry-after": "2" }).end("{}");
      expect((await first)?.retryInMs).toBe(2_000);
      const blocked = await budget.take("IRHHH").then(
        () => undefined,
        (failure: unknown) => failure as AccountBudgetError,
      );
      expect(blocked).toBeInstanceOf(AccountBudgetError);
      expect(blocked!.retryInMs).toBeGreaterThan(2_900_000);
      expect(await budget.remaining("IRHHH")).toBe(0);
    } finally {
      limited.closeAllConnections();
      limited.close();
    }
  });

  it("leaves a 429 whose reset lies beyond the hour (an export's daily quota) to @impactkit/jobs, without blocking the hour's budget", async () => {
    const quota = createServer((_request, response) => {
      response.writeHead(429, { "content-type": "application/json", "retry-after": "80000" }).end('{"Message":"daily limit"}');
    });
    await new Promise<void>((resolve) => quota.listen(0, "127.0.0.1", resolve));
    try {
      const budget = createAccountBudget(client, { keyPrefix: "daily" });
      const response = await budgetedFetch(
        budget,
        "IRIII",
        () => SPEC.traits.rateLimitHeaders,
        (request) => globalThis.fetch(request),
      )(new Request(`http://127.0.0.1:${(quota.address() as AddressInfo).port}/`));
      expect(response.status).toBe(429);
      expect(await response.json()).toEqual({ Message: "daily limit" });
      expect(await budget.remaining("IRIII")).toBe(999);
    } finally {
      quota.close();
    }
  });
});
