import { describe, expect, it } from "vitest";
import { FLAVORS } from "./flavors.js";
import { RateLimiter } from "./rate-limit.js";

const partner = FLAVORS.find((flavor) => flavor.api === "partner")!;
const brand = FLAVORS.find((flavor) => flavor.api === "brand")!;
const HOUR = 3_600_000;

describe("RateLimiter", () => {
  it("counts an hourly budget per account with the partner header names, then refuses with Retry-After", () => {
    const limiter = new RateLimiter({ perHour: 2, resetFormat: "epoch" });
    const at = 10 * HOUR + 60_000;
    expect(limiter.take(partner, "A", at).headers).toEqual({ "X-RateLimit-Limit-hour": "2", "X-RateLimit-Remaining-hour": "1", "RateLimit-Reset": "3540" });
    expect(limiter.take(partner, "A", at).allowed).toBe(true);
    expect(limiter.take(partner, "A", at)).toEqual({
      allowed: false,
      headers: { "X-RateLimit-Limit-hour": "2", "X-RateLimit-Remaining-hour": "0", "RateLimit-Reset": "3540", "Retry-After": "3540" },
    });
    expect(limiter.take(partner, "B", at).allowed).toBe(true);
    expect(limiter.take(partner, "A", 11 * HOUR).allowed).toBe(true);
    expect(limiter.usage()).toEqual([
      { flavor: partner.id, accountSid: "A", hour: new Date(10 * HOUR).toISOString(), requests: 2, refused: 1 },
      { flavor: partner.id, accountSid: "B", hour: new Date(10 * HOUR).toISOString(), requests: 1, refused: 0 },
      { flavor: partner.id, accountSid: "A", hour: new Date(11 * HOUR).toISOString(), requests: 1, refused: 0 },
    ]);
    limiter.reset();
    expect(limiter.usage()).toEqual([]);
  });

  it("sends brand/agency X-RateLimit-Reset as an epoch or as seconds", () => {
    expect(new RateLimiter({ perHour: 5, resetFormat: "epoch" }).take(brand, "A", HOUR + 1_000).headers).toEqual({
      "X-RateLimit-Limit": "5",
      "X-RateLimit-Remaining": "4",
      "X-RateLimit-Reset": String((2 * HOUR) / 1000),
    });
    expect(new RateLimiter({ perHour: 5, resetFormat: "seconds" }).take(brand, "A", HOUR + 1_000).headers["X-RateLimit-Reset"]).toBe("3599");
  });
});
